import {
  nodeMaintenancePermission,
  vmCreatePermission,
  vmOperationPermissions,
  vmRolePermissions,
  vmRoles,
} from '@kubevirt-backstage/plugin-kubevirt-common';
import { readRepoFile } from './__testUtils__/testBackend';
import { renderRoleTable } from './roleTable';

const START = '<!-- vm-role-table:start -->';
const END = '<!-- vm-role-table:end -->';

function readmeTable() {
  const readme = readRepoFile('README.md');
  const section = readme.slice(readme.indexOf('\n## VM roles\n'));
  expect(section.startsWith('\n## VM roles\n')).toBe(true);
  const start = section.indexOf(START);
  const end = section.indexOf(END);
  expect(start).toBeGreaterThan(0);
  expect(end).toBeGreaterThan(start);
  return section.slice(start + START.length, end).trim();
}

const cells = (line: string) =>
  line
    .split('|')
    .slice(1, -1)
    .map(c => c.trim());
const list = (cell: string) =>
  cell
    .split(',')
    .map(c => c.trim().replace(/`/g, ''))
    .filter(Boolean);

describe('the README role table', () => {
  it('says what vmRolePermissions says, role by role', () => {
    const [header, , ...rows] = readmeTable().split('\n');
    expect(cells(header)).toEqual(['Role', 'Permissions', 'Operations']);
    const parsed = Object.fromEntries(
      rows
        .map(cells)
        .map(([role, permissions, operations]) => [
          role.replace(/`/g, ''),
          { permissions: list(permissions), operations: list(operations) },
        ]),
    );
    const fromCode = Object.fromEntries(
      vmRoles.map(role => {
        const permissions = vmRolePermissions[role].map(p => p.name);
        const operations = [
          ...Object.entries(vmOperationPermissions)
            .filter(([, p]) => permissions.includes(p.name))
            .map(([op]) => op),
          ...(permissions.includes(vmCreatePermission.name) ? ['create'] : []),
          ...(permissions.includes(nodeMaintenancePermission.name)
            ? ['nodeMaintenance']
            : []),
        ];
        return [role, { permissions, operations }];
      }),
    );
    // compared as sets: the order of a row is presentation
    const sorted = (
      t: Record<string, { permissions: string[]; operations: string[] }>,
    ) =>
      Object.fromEntries(
        Object.entries(t).map(([r, v]) => [
          r,
          {
            permissions: [...v.permissions].sort(),
            operations: [...v.operations].sort(),
          },
        ]),
      );
    expect(sorted(parsed)).toEqual(sorted(fromCode));
  });

  it('is the generated table, cell for cell (paste the expected text on failure)', () => {
    // prettier pads the README's table columns; the cells are what must match
    const cellsOf = (table: string) =>
      table
        .split('\n')
        .map(line =>
          line.replace(/\s*\|\s*/g, '|').replace(/\|-+(?=\|)/g, '|---'),
        );
    expect(cellsOf(readmeTable())).toEqual(cellsOf(renderRoleTable()));
  });
});
