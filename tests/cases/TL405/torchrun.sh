#!/bin/bash
torchrun --standalone --nproc-per-node=8 train.py --config bad_two_devices.toml
