export * from './kubevirtServiceRef';
