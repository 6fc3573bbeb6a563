import { resetMoto } from "./moto";

/** Every test starts from an empty moto, so no test sees another's resources. */
export const mochaHooks = {
    async beforeEach(): Promise<void> {
        if (process.env.MOTO_ENDPOINT) await resetMoto();
    },
};
