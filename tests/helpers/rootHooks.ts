import { resetMoto } from "./moto";
import { workerMotoReady } from "./workerMoto";

/** Every test starts from an empty moto, so no test sees another's resources. */
export const mochaHooks = {
    async beforeAll(): Promise<void> {
        await workerMotoReady();
    },
    async beforeEach(): Promise<void> {
        if (process.env.MOTO_ENDPOINT) await resetMoto();
    },
};
