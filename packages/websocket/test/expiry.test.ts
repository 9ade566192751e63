import { afterEach, describe, expect, it, vi } from 'vitest';
import { closeOnExpiry } from '../src/index.js';

const at = (exp: unknown) => ({ claims: { exp } as Record<string, unknown> });

describe('closeOnExpiry', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('closes once at exp, not before', () => {
    vi.useFakeTimers({ now: 1_000_000_000_000 });
    const close = vi.fn();
    closeOnExpiry(at(1_000_000_000 + 60), close);
    vi.advanceTimersByTime(59_999);
    expect(close).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    vi.advanceTimersByTime(120_000);
    expect(close).toHaveBeenCalledTimes(1);
  });

  it('waits past setTimeout’s 24.8-day limit instead of firing at once', () => {
    vi.useFakeTimers({ now: 0 });
    const close = vi.fn();
    const days = 60;
    closeOnExpiry(at(days * 86_400), close);
    vi.advanceTimersByTime((days - 1) * 86_400_000);
    expect(close).not.toHaveBeenCalled();
    vi.advanceTimersByTime(86_400_000);
    expect(close).toHaveBeenCalledTimes(1);
  });

  it('closes an already expired connection on the next turn, and cancel stops it', () => {
    vi.useFakeTimers({ now: 10_000 });
    const expired = vi.fn();
    closeOnExpiry(at(5), expired);
    expect(expired).not.toHaveBeenCalled();
    vi.advanceTimersByTime(0);
    expect(expired).toHaveBeenCalledTimes(1);
    const cancelled = vi.fn();
    const cancel = closeOnExpiry(at(20), cancelled);
    cancel();
    vi.advanceTimersByTime(60_000);
    expect(cancelled).not.toHaveBeenCalled();
  });

  it('never closes for a context without a numeric exp', () => {
    vi.useFakeTimers({ now: 0 });
    const close = vi.fn();
    closeOnExpiry(at('soon'), close);
    vi.advanceTimersByTime(10 ** 10);
    expect(close).not.toHaveBeenCalled();
  });
});
