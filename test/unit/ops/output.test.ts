import { describe, expect, it } from 'vitest';
import { outputTo } from '../../../ops/cli/output.js';

function stream(isTTY: boolean) {
  const written: string[] = [];
  return { written, isTTY, write: (text: string) => written.push(text) };
}

describe('outputTo', () => {
  it('writes progress on stderr when it is a terminal, and clears it when done', () => {
    const stdout = stream(false);
    const stderr = stream(true);
    const output = outputTo(stdout, stderr);

    output.progress('| registering: RUNNING 1 s');
    output.doneProgress();
    output.write('registered sales');

    expect(stderr.written).toEqual(['\r\x1b[2K| registering: RUNNING 1 s', '\r\x1b[2K']);
    expect(stdout.written).toEqual(['registered sales\n']);
  });

  it('writes no progress when stderr is a pipe or a file', () => {
    const stderr = stream(false);
    const output = outputTo(stream(false), stderr);

    output.progress('| registering: RUNNING 1 s');
    output.doneProgress();

    expect(stderr.written).toEqual([]);
  });
});
