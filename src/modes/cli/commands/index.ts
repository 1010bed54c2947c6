/**
 * Every CLI command, in the order `--help` lists them. Each module registers its options and
 * imports its implementation only when it runs.
 */
import type { Command } from 'commander';
import { applyCommand } from './apply.js';
import { crdsCommand } from './crds.js';
import { exportCommand } from './export.js';
import { operatorCommand } from './operator.js';
import { planCommand } from './plan.js';
import { runCommand } from './run.js';
import { sandboxCommand } from './sandbox.js';
import { validateCommand } from './validate.js';
import { watchCommand } from './watch.js';

/** Registers one command; its action reports the process exit code through `setExit`. */
export type CommandDefinition = (program: Command, setExit: (code: number) => void) => void;

export const commands: readonly CommandDefinition[] = [validateCommand, planCommand, applyCommand, sandboxCommand, watchCommand, runCommand, operatorCommand, crdsCommand, exportCommand];
