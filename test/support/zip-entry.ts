/**
 * Reads one file out of a zip archive with node:zlib only (no `unzip` on a fresh machine): finds
 * the entry in the central directory, inflates it and checks its CRC-32. Stored and deflated
 * entries of archives under 4 GiB (no zip64) are supported, which is what npm packages ship.
 */
import { readFileSync } from 'node:fs';
import { crc32, inflateRawSync } from 'node:zlib';

const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
const CENTRAL_FILE_HEADER = 0x02014b50;
const LOCAL_FILE_HEADER = 0x04034b50;

interface CentralEntry {
  readonly method: number;
  readonly crc: number;
  readonly compressedSize: number;
  readonly size: number;
  readonly localHeaderOffset: number;
}

function endOfCentralDirectory(zip: Buffer): number {
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 22 - 0xffff); i -= 1) {
    if (zip.readUInt32LE(i) === END_OF_CENTRAL_DIRECTORY) return i;
  }
  throw new Error('not a zip archive: no end of central directory record');
}

function findEntry(zip: Buffer, name: string): CentralEntry {
  const eocd = endOfCentralDirectory(zip);
  const count = zip.readUInt16LE(eocd + 10);
  let at = zip.readUInt32LE(eocd + 16);
  for (let i = 0; i < count; i += 1) {
    if (zip.readUInt32LE(at) !== CENTRAL_FILE_HEADER) throw new Error(`corrupt zip: bad central header at ${at}`);
    const nameLength = zip.readUInt16LE(at + 28);
    const entryName = zip.toString('utf8', at + 46, at + 46 + nameLength);
    if (entryName === name) {
      return {
        method: zip.readUInt16LE(at + 10), crc: zip.readUInt32LE(at + 16), compressedSize: zip.readUInt32LE(at + 20),
        size: zip.readUInt32LE(at + 24), localHeaderOffset: zip.readUInt32LE(at + 42),
      };
    }
    at += 46 + nameLength + zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32);
  }
  throw new Error(`zip has no entry ${name}`);
}

/** The bytes of entry `name` of the zip at `zipPath`; throws on a missing entry, an unknown method or a bad CRC. */
export function readZipEntry(zipPath: string, name: string): Buffer {
  const zip = readFileSync(zipPath);
  const e = findEntry(zip, name);
  const local = e.localHeaderOffset;
  if (zip.readUInt32LE(local) !== LOCAL_FILE_HEADER) throw new Error(`corrupt zip: bad local header for ${name}`);
  const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
  const raw = zip.subarray(start, start + e.compressedSize);
  let data: Buffer;
  if (e.method === 0) data = Buffer.from(raw);
  else if (e.method === 8) data = inflateRawSync(raw);
  else throw new Error(`zip entry ${name} uses unsupported compression method ${e.method}`);
  if (data.length !== e.size || crc32(data) !== e.crc) throw new Error(`zip entry ${name} is corrupt (size or CRC-32 mismatch)`);
  return data;
}
