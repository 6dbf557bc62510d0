import path from 'node:path';
import { buildSchedule, writeSchedule } from '../../jobs/schedule.js';
import { toJson } from '../../core/json.js';
import { renderScheduleText, scheduleDocument } from '../../output/maintenance-report.js';
import type { CliContext } from '../context.js';
import type { ScheduleArgs } from './schedule.js';

export async function scheduleHandler(args: ScheduleArgs, ctx: CliContext): Promise<number> {
  let outcome = buildSchedule({
    format: args.format,
    name: args.name,
    argv: args['--'],
    program: args.snapplan === undefined ? undefined : [args.snapplan],
    onCalendar: args.onCalendar,
    randomizedDelay: args.randomizedDelay,
    cron: args.cron,
    user: args.user,
    writeDir: args.write,
  });
  if (args.write !== undefined) outcome = await writeSchedule(outcome, path.resolve(ctx.cwd, args.write));
  ctx.stdout.write(args.json ? toJson(scheduleDocument(outcome)) + '\n' : renderScheduleText(outcome));
  return 0;
}
