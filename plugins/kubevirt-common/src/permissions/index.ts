export * from './permissions';
export * from './operations';
export * from './roles';
export * from './actions';
export * from './nodePermissions';
