import {
  annotationsProblems,
  labelsProblems,
} from '@kubevirt-backstage/plugin-kubevirt-common';
import { z } from 'zod';
import { documented } from '../schema/registry';

const stringMap = z.record(z.string(), z.string());

/** The labels and annotations a VM should carry, each key and value as the apiserver validates it. */
export const updateMetadataBody = z
  .object({
    resourceVersion: documented(z.string().min(1), {
      description:
        "The VM's metadata.resourceVersion the edit started from; a VM changed since is a 409 with the current object.",
    }),
    labels: documented(stringMap, {
      description:
        'Every label the VM should have: keys are qualified names ([prefix/]name, name ≤ 63), values ≤ 63 characters of [A-Za-z0-9-_.] starting and ending alphanumeric, or empty.',
    }),
    annotations: documented(stringMap, {
      description:
        'Every annotation the VM should have: keys are qualified names; keys and values together at most 256 KiB.',
    }),
    dryRun: z.boolean().optional(),
  })
  .strict()
  .superRefine((body, ctx) => {
    for (const message of labelsProblems(body.labels))
      ctx.addIssue({ code: 'custom', path: ['labels'], message });
    for (const message of annotationsProblems(body.annotations))
      ctx.addIssue({ code: 'custom', path: ['annotations'], message });
  });
