#!/usr/bin/env node
// The CLI front door: argv -> one command from the table.
import { parseArgs } from 'node:util';
import { commands } from './cli/commands.js';

function usage(): string {
  const width = Math.max(...commands.map((c) => c.name.length), 8);
  return ['Usage: tandem <command> [options]', '', ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`)].join('\n');
}

async function main(argv: string[]): Promise<number> {
  const command = commands.find((c) => c.name === argv.slice(0, 2).join(' ')) ?? commands.find((c) => c.name === argv[0]);
  if (!command) {
    if (argv.length && argv[0] !== '--help' && argv[0] !== 'help') console.error(`Unknown command: ${argv.join(' ')}\n`);
    console.log(usage());
    return argv.length && argv[0] !== '--help' && argv[0] !== 'help' ? 2 : 0;
  }
  const rest = argv.slice(command.name.split(' ').length);
  if (rest.includes('--help')) {
    console.log(`Usage: tandem ${command.usage}\n\n${command.summary}`);
    return 0;
  }
  let parsed;
  try {
    parsed = parseArgs({ args: rest, options: { json: { type: 'boolean' }, ...command.options }, allowPositionals: true, strict: true });
  } catch (error) {
    console.error(`${(error as Error).message}\nUsage: tandem ${command.usage}`);
    return 2;
  }
  return command.run(parsed);
}

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (error: unknown) => {
    console.error(`tandem: ${error instanceof Error ? error.message : String(error)}`);
    if (process.env.TANDEM_DEBUG) console.error(error);
    process.exitCode = 1;
  },
);
