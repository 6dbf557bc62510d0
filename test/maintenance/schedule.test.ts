import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { systemdQuote } from '../../src/jobs/schedule.js';
import { runMain } from '../support/run-cli.js';
import { tempDir } from '../support/temp-dir.js';

const BACKUP = ['backup', 'stacks', '--data-dir', '/var/stacks/my data', '--to', 's3://snaps/stacks', '--name', '100%-$HOME.tar.zst'];

describe('schedule', () => {
  it('prints a systemd service + timer for the same command, quoted for systemd', async () => {
    const dir = await tempDir();
    const result = await runMain(['schedule', '--on-calendar', 'daily', '--randomized-delay', '1h', '--snapplan', '/usr/local/bin/snapplan', '--', ...BACKUP], { cwd: dir });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toContain('# snapplan-backup-stacks.service\n');
    expect(result.stdout).toContain('Type=oneshot\n');
    expect(result.stdout).toContain('ExecStart=/usr/local/bin/snapplan backup stacks --data-dir "/var/stacks/my data" --to s3://snaps/stacks --name 100%%-$$HOME.tar.zst\n');
    expect(result.stdout).toContain('OnCalendar=daily\nPersistent=true\nRandomizedDelaySec=1h\nUnit=snapplan-backup-stacks.service\n');
    expect(result.stdout).toContain('WantedBy=timers.target');
    expect(result.stdout).toContain('# sudo systemctl enable --now snapplan-backup-stacks.timer');
  });

  it('prints a cron line quoted for the shell, with % escaped for cron', async () => {
    const dir = await tempDir();
    const result = await runMain(['schedule', '--format', 'cron', '--cron', '30 3 * * *', '--snapplan', '/usr/local/bin/snapplan', '--json', '--', ...BACKUP], { cwd: dir });
    expect(result.exitCode, result.stderr).toBe(0);
    const doc = JSON.parse(result.stdout);
    expect(doc).toMatchObject({ schemaVersion: 1, command: 'schedule', format: 'cron', run: ['/usr/local/bin/snapplan', ...BACKUP] });
    expect(doc.files[0].content).toBe("30 3 * * * /usr/local/bin/snapplan backup stacks --data-dir '/var/stacks/my data' --to s3://snaps/stacks --name '100\\%-$HOME.tar.zst'\n");
  });

  it('--write writes the pair, never overwrites (exit 2, files unchanged), and cron.d files carry the user', async () => {
    const dir = await tempDir();
    const argv = ['schedule', '--name', 'stacks-nightly', '--write', dir, '--', 'backup', 'stacks', '--data-dir', '/var/stacks/mainnet', '--to', '/backups'];
    const first = await runMain(argv, { cwd: dir });
    expect(first.exitCode, first.stderr).toBe(0);
    expect((await readdir(dir)).sort()).toEqual(['stacks-nightly.service', 'stacks-nightly.timer']);
    const service = await readFile(path.join(dir, 'stacks-nightly.service'), 'utf8');
    // The default program: this node and this snapplan's bin, absolute.
    expect(service).toContain(`ExecStart=${process.execPath} ${path.resolve('bin/snapplan.js')} backup stacks`);
    // Where systemd is installed, its own parser checks the pair (exit 0, no warnings).
    if (existsSync('/usr/bin/systemd-analyze')) {
      const verify = await promisify(execFile)('/usr/bin/systemd-analyze', ['verify', path.join(dir, 'stacks-nightly.service'), path.join(dir, 'stacks-nightly.timer')], { timeout: 15_000 });
      expect(verify.stderr).toBe('');
    }
    await writeFile(path.join(dir, 'stacks-nightly.timer'), 'mine');
    await import('node:fs/promises').then((fs) => fs.rm(path.join(dir, 'stacks-nightly.service')));
    const second = await runMain(argv, { cwd: dir });
    expect(second.exitCode).toBe(2);
    expect(second.stderr).toContain('never overwrites');
    expect(await readFile(path.join(dir, 'stacks-nightly.timer'), 'utf8')).toBe('mine');
    expect(await readdir(dir)).toEqual(['stacks-nightly.timer']);

    const cron = await runMain(['schedule', '--format', 'cron', '--user', 'root', '--write', dir, '--', 'retention', '/backups', '--keep', '7', '--yes'], { cwd: dir });
    expect(cron.exitCode, cron.stderr).toBe(0);
    const file = await readFile(path.join(dir, 'snapplan-retention'), 'utf8');
    expect(file).toContain('PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\n');
    expect(file).toMatch(/^0 2 \* \* \* root \S+ \S+ retention \/backups --keep 7 --yes$/m);
  });

  it('refuses what would not work unattended or would break the file (exit 2)', async () => {
    const dir = await tempDir();
    const noYes = await runMain(['schedule', '--', 'retention', '/backups', '--keep', '7'], { cwd: dir });
    expect(noYes.exitCode).toBe(2);
    expect(noYes.stderr).toContain('--yes');
    expect((await runMain(['schedule', '--', 'plan', '--ledger', 'x'], { cwd: dir })).exitCode).toBe(2);
    expect((await runMain(['schedule'], { cwd: dir })).exitCode).toBe(2);
    expect((await runMain(['schedule', '--', 'backup', 'stacks', '--to', 'a\nExecStartPost=/bin/sh'], { cwd: dir })).exitCode).toBe(2);
    expect((await runMain(['schedule', '--format', 'cron', '--cron', 'daily', '--', 'backup', 'stacks', '--to', '/b'], { cwd: dir })).exitCode).toBe(2);
    expect((await runMain(['schedule', '--snapplan', 'snapplan', '--', 'backup', 'stacks', '--to', '/b'], { cwd: dir })).exitCode).toBe(2);
  });

  it('quotes ExecStart words the way systemd splits them', () => {
    expect(systemdQuote('plain/path.tar.zst')).toBe('plain/path.tar.zst');
    expect(systemdQuote('')).toBe('""');
    expect(systemdQuote('a b')).toBe('"a b"');
    expect(systemdQuote('say "hi" \\ now')).toBe('"say \\"hi\\" \\\\ now"');
    expect(systemdQuote('%h$X')).toBe('%%h$$X');
    expect(systemdQuote("it's")).toBe('"it\'s"');
  });
});
