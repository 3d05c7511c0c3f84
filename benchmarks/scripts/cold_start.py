#!/usr/bin/env python3
"""Cold first training steps, jars side by side: for each round, model and jar (alternating), runs
`java -jar JAR train --epochs 1 --model MODEL` with clnn's kernel cache, POCL's cache and the tuning folder all pointing
at fresh empty folders, and stops it at its line `first step finished N s after the process started`. Per run it
records that N (wall), the CPU time the process had used by then (user + system of all its threads, from
/proc/PID/stat: less sensitive than wall time to other work on the machine) and how many kernels POCL had generated
code for by then (the work-group function binaries in the POCL cache). Prints each run, then the medians per jar and
model. Linux only (/proc).

    benchmarks/scripts/cold_start.py [--rounds N] [--models mlp,cnn] JAR [JAR...]
"""
import argparse
import glob
import os
import shutil
import statistics
import subprocess
import tempfile


def first_step(jar, model):
    """(wall s, CPU s, code generations) at the first step of a cold run."""
    folder = tempfile.mkdtemp(prefix='clnn-cold-')
    env = dict(os.environ, CLNN_KERNEL_CACHE_DIR=folder + '/clnn', POCL_CACHE_DIR=folder + '/pocl',
               CLNN_TUNING_DIR=folder + '/tuning')
    proc = subprocess.Popen(['java', '-jar', jar, 'train', '--epochs', '1', '--model', model],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env, text=True)
    wall = cpu = None
    try:
        for line in proc.stdout:
            if line.startswith('first step finished'):
                with open('/proc/%d/stat' % proc.pid) as stat:
                    fields = stat.read().rsplit(')', 1)[1].split()
                # utime and stime are fields 14 and 15 of /proc/PID/stat, in clock ticks.
                cpu = (int(fields[11]) + int(fields[12])) / os.sysconf('SC_CLK_TCK')
                wall = float(line.split()[3])
                break
    finally:
        proc.kill()
        proc.wait()
    # POCL keeps one kernel.so per (program, kernel, work-group shape): <cache>/<xx>/<program>/<kernel>/<shape>/.
    generated = len(glob.glob(folder + '/pocl/*/*/*/*/*.so'))
    shutil.rmtree(folder, ignore_errors=True)
    if wall is None:
        raise SystemExit('%s --model %s: no "first step finished" line' % (jar, model))
    return wall, cpu, generated


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--rounds', type=int, default=3)
    parser.add_argument('--models', default='mlp,cnn')
    parser.add_argument('jars', nargs='+')
    args = parser.parse_args()
    runs = {}
    for r in range(1, args.rounds + 1):
        for model in args.models.split(','):
            for jar in args.jars:
                wall, cpu, generated = first_step(jar, model)
                runs.setdefault((jar, model), []).append((wall, cpu, generated))
                print('round %d %-6s %-30s first step %5.2f s, CPU %5.2f s, %2d code generations'
                      % (r, model, jar, wall, cpu, generated), flush=True)
    print('medians of %d rounds:' % args.rounds)
    for (jar, model), values in runs.items():
        print('  %-6s %-30s first step %5.2f s, CPU %5.2f s, %2d code generations'
              % (model, jar, *(statistics.median(v[i] for v in values) for i in range(3))))


if __name__ == '__main__':
    main()
