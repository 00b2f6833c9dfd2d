import { createRouteRef } from '@backstage/frontend-plugin-api';

/** The plugin page (the VM list); VM pages live below it at /:cluster/:namespace/:name. */
export const rootRouteRef = createRouteRef();
