// A device profile outside the stated bounds (core/latency) is named field by field, so a stored
// or measured one with absurd numbers (5e-324 GFLOP/s) is never used for the analytic latency.
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_PROFILE,
  PROFILE_GBPS_BOUNDS,
  PROFILE_GFLOPS_BOUNDS,
  PROFILE_OVERHEAD_US_BOUNDS,
  validateProfile,
  type DeviceProfile,
} from '../../../src/core/latency';

const profile = (patch: Partial<Record<keyof DeviceProfile, unknown>>) => ({ ...DEFAULT_PROFILE, ...patch }) as DeviceProfile;

describe('validateProfile', () => {
  it('accepts the default profile and the bounds themselves', () => {
    expect(validateProfile(DEFAULT_PROFILE)).toEqual([]);
    expect(validateProfile(profile({ gflops: PROFILE_GFLOPS_BOUNDS.min, gbps: PROFILE_GBPS_BOUNDS.max }))).toEqual([]);
    expect(validateProfile(profile({ gflops: PROFILE_GFLOPS_BOUNDS.max, gbps: PROFILE_GBPS_BOUNDS.min }))).toEqual([]);
    // A coarse timer can measure no overhead at all; that profile is still usable.
    expect(validateProfile(profile({ overheadMsPerKernel: 0 }))).toEqual([]);
    expect(validateProfile(profile({ overheadMsPerKernel: PROFILE_OVERHEAD_US_BOUNDS.max / 1000 }))).toEqual([]);
  });

  it('a backend, when named, is one of ours', () => {
    expect(validateProfile(profile({ backend: 'webgl' }))).toEqual([]);
    expect(validateProfile(profile({ backend: 'tpu' }))).toEqual(['backend tpu is not one of webgpu, webgl, wasm, cpu']);
  });

  it('names each field out of bounds, with its value and the bound', () => {
    expect(validateProfile(profile({ gflops: 5e-324 }))).toEqual([
      'matmul throughput (gflops) is 5e-324 GFLOP/s, below the least this app accepts (0.01 GFLOP/s)',
    ]);
    expect(validateProfile(profile({ gflops: 2e5, gbps: 1e-3, overheadMsPerKernel: 1000 }))).toEqual([
      'matmul throughput (gflops) is 200000 GFLOP/s, above the most this app accepts (100000 GFLOP/s)',
      'memory bandwidth (gbps) is 0.001 GB/s, below the least this app accepts (0.01 GB/s)',
      'per-kernel overhead (overheadMsPerKernel) is 1000000 µs, above the most this app accepts (100000 µs)',
    ]);
    expect(validateProfile(profile({ overheadMsPerKernel: -1 }))).toEqual([
      'per-kernel overhead (overheadMsPerKernel) is -1000 µs, below the least this app accepts (0 µs)',
    ]);
  });

  it('names fields that are not numbers at all', () => {
    expect(validateProfile(profile({ gflops: '30', gbps: null, overheadMsPerKernel: undefined, label: 3 }))).toEqual([
      'matmul throughput (gflops) is a string, not a number',
      'memory bandwidth (gbps) is null, not a number',
      'per-kernel overhead (overheadMsPerKernel) is missing, not a number',
      'label is not a string',
    ]);
    expect(validateProfile(profile({ gflops: Infinity }))).toEqual(['matmul throughput (gflops) is Infinity, not a finite number']);
    expect(validateProfile(null as unknown as DeviceProfile)).toEqual(['the profile is not an object']);
  });
});
