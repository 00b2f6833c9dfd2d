import { EmptyState } from '@backstage/core-components';

/** Where the console and metrics go; they come with a later issue. */
export const PlaceholderTab = ({ title, description }: { title: string; description: string }) => (
  <EmptyState missing="content" title={`${title}: coming soon`} description={description} />
);
