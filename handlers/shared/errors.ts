/** The AWS error name and message, for one-line failure reports. */
export function describeError(error: unknown): string {
    if (error instanceof Error) return error.name && error.name !== "Error" ? `${error.name}: ${error.message}` : error.message;
    return String(error);
}

export function errorName(error: unknown): string | undefined {
    return typeof error === "object" && error !== null && "name" in error ? String((error as { name: unknown }).name) : undefined;
}
