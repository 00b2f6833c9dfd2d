export { kubevirtPlugin as default } from './plugin';
