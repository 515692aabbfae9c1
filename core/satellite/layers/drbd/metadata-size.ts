/**
 * Size of DRBD 9 internal metadata, so the layer below can be made big enough for the net
 * size the user asked for. Layout (drbdmeta v09): a 4 KiB superblock, the activity log
 * (al-stripes × al-stripe-size, default 1 × 32 KiB) and one bitmap per peer slot with one bit
 * per 4 KiB of data, the whole bitmap aligned to 4 KiB.
 */
export function internalMetadataKib(dataKib: number, peerSlots: number, alStripes = 1, alStripeSizeKib = 32): number {
  const bitsPerPeer = Math.ceil(Math.ceil(dataKib / 4) / 64) * 64;
  const bitmapKib = Math.ceil((bitsPerPeer * Math.max(1, peerSlots)) / 8 / 4096) * 4;
  return 4 + alStripes * alStripeSizeKib + bitmapKib;
}

/** Gross size of the backing device for `netKib` usable; the bitmap also covers the metadata, hence two rounds. */
export function grossSizeKib(netKib: number, peerSlots: number, alStripes = 1, alStripeSizeKib = 32): number {
  let gross = netKib + internalMetadataKib(netKib, peerSlots, alStripes, alStripeSizeKib);
  gross = netKib + internalMetadataKib(gross, peerSlots, alStripes, alStripeSizeKib);
  return Math.ceil(gross / 4) * 4;
}
