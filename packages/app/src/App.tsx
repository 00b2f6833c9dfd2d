import { createApp } from '@backstage/frontend-defaults';
import catalogPlugin from '@backstage/plugin-catalog/alpha';
import { kubevirtScaffolderModule } from '@kubevirt-backstage/plugin-kubevirt/alpha';
import { navModule } from './modules/nav';
import { homeModule } from './modules/home';
import { signInModule } from './modules/signIn';

export default createApp({
  // the kubevirt plugin itself is discovered (app.packages: all); its template form pickers are a
  // scaffolder module in the same package, which discovery does not pick up
  features: [
    catalogPlugin,
    navModule,
    homeModule,
    kubevirtScaffolderModule,
    signInModule,
  ],
});
