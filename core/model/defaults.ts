/** The objects every LINSTOR database starts with; names clients rely on. */
export const DFLT_STOR_POOL = 'DfltStorPool';
export const DFLT_DISKLESS_STOR_POOL = 'DfltDisklessStorPool';
export const DFLT_RSC_GRP = 'DfltRscGrp';
