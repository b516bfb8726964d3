export const iso = (d: Date | number) => new Date(d).toISOString();
