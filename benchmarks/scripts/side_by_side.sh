#!/bin/bash
# Side by side in interleaved rounds: clnn with default choices (an empty tuning folder), clnn with the choices
# tuned into TUNED_DIR (run CLNN_TUNING_DIR=$TUNED_DIR ./clnn tune first), then numpy and PyTorch.
# Run from the repository root on an AVX-512 CPU (OPENBLAS_CORETYPE=SkylakeX below; Haswell on AVX2 CPUs).
ROUNDS=${ROUNDS:-3}
DEF=$(mktemp -d); TUN=${TUNED_DIR:-/tmp/clnn-tuned}
W2='linear(784,1024),relu,linear(1024,1024),relu,linear(1024,10)'
for r in $(seq 1 $ROUNDS); do
  for n in 256 1024 2048; do
    echo "R$r gemm$n default $(CLNN_TUNING_DIR=$DEF ./clnn bench gemm --n $n | tail -1)"
    echo "R$r gemm$n tuned $(CLNN_TUNING_DIR=$TUN ./clnn bench gemm --n $n | tail -1)"
  done
  echo "R$r w2 default $(CLNN_TUNING_DIR=$DEF ./clnn bench train --model "$W2" --batch 256 | tail -1)"
  echo "R$r w2 tuned $(CLNN_TUNING_DIR=$TUN ./clnn bench train --model "$W2" --batch 256 | tail -1)"
  echo "R$r w3 default $(CLNN_TUNING_DIR=$DEF ./clnn bench train --model cnn | tail -1)"
  echo "R$r w3 tuned $(CLNN_TUNING_DIR=$TUN ./clnn bench train --model cnn | tail -1)"
  OPENBLAS_CORETYPE=SkylakeX /usr/bin/python3 benchmarks/scripts/bench_peers.py | sed "s/^/R$r peer /"
done
