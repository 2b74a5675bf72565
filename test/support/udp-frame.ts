import { hex } from './vectors.js';

/** A 46-byte Ethernet/IPv4/UDP frame (valid IPv4 checksum) carried by packet-in/packet-out vectors. */
export const FRAME_HEX = `
  02005e005301 02005e005302 0800          # eth dst, src, type IPv4
  4500 0020 1234 4000 4011 a495           # IPv4: len 32, id, DF, ttl 64, UDP, checksum
  c0000201 c0000202                       # 192.0.2.1 -> 192.0.2.2
  1f90 0035 000c 0000                     # UDP 8080 -> 53, len 12
  77656674                                # "weft"
`;
export const FRAME = hex(FRAME_HEX);
