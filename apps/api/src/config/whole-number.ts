/**
 * A whole-number setting: the override, else the variable's text, else the fallback. Out of
 * [min, max], the problem is pushed (the caller throws them all at once) and the fallback returned.
 * `what` says the unit and range, as the message to the operator shows them.
 */
export function wholeNumberSetting(
  setting: { name: string; text: string | undefined; override: number | undefined; fallback: number },
  range: { min: number; max: number; what: string },
  problems: string[],
): number {
  const { name, text, override, fallback } = setting;
  const value = override ?? (text === undefined ? fallback : Number(text));
  if (Number.isInteger(value) && value >= range.min && value <= range.max) return value;
  problems.push(`${name} must be a whole number ${range.what}, got "${text ?? String(override)}"`);
  return fallback;
}
