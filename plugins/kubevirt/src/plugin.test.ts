import { kubevirtPlugin } from './plugin';

describe('kubevirt', () => {
  it('should export plugin', () => {
    expect(kubevirtPlugin).toBeDefined();
  });
});
