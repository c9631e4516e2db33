#!/usr/bin/env node
// The `membrain` command. The sources are TypeScript run through tsx's loader, so a clone
// works without a build step.
import { register } from 'tsx/esm/api';

register();
await import('../src/main.ts');
