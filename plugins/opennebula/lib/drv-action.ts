/**
 * DRV_ACTION: the base64 `<DS_DRIVER_ACTION_DATA>` document oned hands a datastore action.
 * OpenNebula ≥ 6.8 writes it to stdin and passes the image id as $1; ≤ 6.6 passed it as
 * argv[1] with the id as argv[2] (addon-linstor `util.get_datastore_args`). Both are accepted.
 */
import { DriverError } from './log.js';
import { child, parseXml, text, type XmlNode } from './xml.js';

export interface DriverAction {
  /** The id oned passed (image id; datastore id for monitor). */
  id: string;
  image?: XmlNode;
  datastore: XmlNode;
  raw: string;
}

const BASE64 = /^[A-Za-z0-9+/=\s]+$/;

async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) return '';
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Picks the encoded document and the id from argv/stdin as either OpenNebula generation passes them. */
export async function readDriverAction(argv: string[], stdin: () => Promise<string> = readStdin): Promise<DriverAction> {
  let encoded: string;
  let id: string;
  if (argv.length >= 2 && argv[0]!.length > 16 && BASE64.test(argv[0]!)) {
    encoded = argv[0]!;
    id = argv[1]!;
  } else {
    id = argv[0] ?? '';
    encoded = (await stdin()).trim();
  }
  if (!encoded) {
    throw new DriverError('no DRV_ACTION given', 'oned writes the base64 DS_DRIVER_ACTION_DATA document to stdin (≥ 6.8) or passes it as the first argument (≤ 6.6)');
  }
  return parseDriverAction(Buffer.from(encoded.replace(/\s+/g, ''), 'base64').toString('utf8'), id);
}

export async function parseDriverAction(xml: string, id = ''): Promise<DriverAction> {
  let doc: XmlNode;
  try {
    doc = await parseXml(xml);
  } catch (e) {
    throw new DriverError(`DRV_ACTION is not valid XML: ${(e as Error).message}`, 'pass base64 of the DS_DRIVER_ACTION_DATA document');
  }
  const root = child(doc, 'DS_DRIVER_ACTION_DATA');
  const datastore = child(root, 'DATASTORE');
  if (!root || !datastore) {
    throw new DriverError('DRV_ACTION has no DS_DRIVER_ACTION_DATA/DATASTORE element', 'pass the document oned built for this action');
  }
  const image = child(root, 'IMAGE');
  return { id: id || text(image, 'ID') || text(datastore, 'ID'), image, datastore, raw: xml };
}
