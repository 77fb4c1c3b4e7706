/** Formats a number of seconds as its two largest units, such as "3d 4h", "5m 2s", "2h" or "0s". */
export function formatDuration(totalSeconds: number): string {
  const sizes: Array<[string, number]> = [
    ['d', 86_400],
    ['h', 3_600],
    ['m', 60],
    ['s', 1],
  ];
  let remaining = Math.max(0, Math.floor(totalSeconds));
  const counts = sizes.map(([suffix, size]) => {
    const count = Math.floor(remaining / size);
    remaining -= count * size;
    return { suffix, count };
  });

  const first = counts.findIndex((unit) => unit.count > 0);
  if (first === -1) {
    return '0s';
  }

  return counts
    .slice(first, first + 2)
    .filter((unit) => unit.count > 0)
    .map((unit) => `${unit.count}${unit.suffix}`)
    .join(' ');
}

/** Describes an absolute expiry relative to now: ISO time in UTC and "expires in" / "expired ago". */
export function describeExpiry(validUntil: number | null, nowSeconds: number): string {
  if (validUntil === null) {
    return 'none (a KS without expiry is treated as expired)';
  }

  const iso = new Date(validUntil * 1000).toISOString();
  return validUntil > nowSeconds
    ? `${iso} (expires in ${formatDuration(validUntil - nowSeconds)})`
    : `${iso} (expired ${formatDuration(nowSeconds - validUntil)} ago)`;
}
