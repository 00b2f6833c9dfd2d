/**
 * YAML as the repository's prettier writes it, so that the generated files
 * and the test that compares them agree to the byte. Prettier is the
 * repository's formatter (a root development dependency), asked for only by
 * the generator and its test.
 */
export function formatYaml(text: string, file: string): string {
  // resolved, not imported: the broker does not depend on the repository's formatter
  const prettier = require(require.resolve('prettier'));
  const options = prettier.resolveConfig.sync(file) ?? {};
  return prettier.format(text, { ...options, filepath: file });
}
