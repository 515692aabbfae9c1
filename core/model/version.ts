/** The LINSTOR version this code speaks for (controller, satellite, error reports). */
export const LINSTOR_VERSION = '1.28.0';
