export * from './types';
export * from './guestDiagnostics';
export * from './labels';
export * from './vmActions';
export * from './signalChannels';
export * from './consoleProtocol';
export * from './capabilities';
export * from './client';
