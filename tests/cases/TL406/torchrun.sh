#!/bin/bash
torchrun --nnodes=2 --nproc-per-node=4 -m trainer_lint run bad_split.toml
