/** The moto_server the test script started (scripts/with-moto.mjs). */
export function motoEndpoint(): string {
    const endpoint = process.env.MOTO_ENDPOINT;
    if (!endpoint) throw new Error("MOTO_ENDPOINT is not set: run the tests with `npm test`, which starts moto_server");
    return endpoint;
}

export async function resetMoto(): Promise<void> {
    const response = await fetch(`${motoEndpoint()}/moto-api/reset`, { method: "POST" });
    if (!response.ok) throw new Error(`moto reset failed: HTTP ${response.status}`);
}

/** Dummy credentials moto accepts; requests with them land in moto's default account 123456789012. */
export const motoDefaultAccount = "123456789012";
