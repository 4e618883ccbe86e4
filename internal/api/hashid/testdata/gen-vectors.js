// Generates vectors.json from the reference implementation of hashids.
//
//   mkdir /tmp/h && cd /tmp/h && npm install hashids@2.3.0
//   NODE_PATH=/tmp/h/node_modules node gen-vectors.js > vectors.json
//
// Numbers are written as decimal strings so values above 2^53 survive JSON
// readers that use doubles.
const HashidsModule = require('hashids');
const Hashids = HashidsModule.default || HashidsModule;
const h = new Hashids('azowernasdfoia', 5);

const single = [];
for (let i = 0n; i <= 200n; i++) single.push(i);
for (let e = 8n; e <= 63n; e++) { single.push((1n << e) - 1n); single.push(1n << e); }
single.push(9007199254740991n, 9223372036854775807n, 18446744073709551615n);
// A deterministic spread of larger ids (linear congruential generator).
let x = 12345n;
for (let i = 0; i < 100; i++) {
  x = (x * 6364136223846793005n + 1442695040888963407n) % (1n << 64n);
  single.push(x >> BigInt(i % 60));
}
const multi = [[0n, 0n], [1n, 2n, 3n], [44n, 1n], [683n, 94108n, 123n, 5n], [9007199254740991n, 0n, 7n]];

const encode = (nums) => ({ numbers: nums.map(String), hash: h.encode(nums) });

// Decode cases: real hashes, hashes with one character changed, and short
// strings, with whatever the reference returns ([] for malformed input).
const alphabet = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ1234567890';
const decodeInputs = ['7eP5n', 'ML51L', 'eYorL', 'a', 'aa', 'aaaaa', '7eP5nn', '7eP5', 'zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz'];
let y = 987654321;
const rnd = (n) => { y = (y * 1103515245 + 12345) % 2147483648; return y % n; };
for (let i = 0; i < 300; i++) {
  const base = h.encode(BigInt(rnd(1000000)));
  const pos = rnd(base.length);
  decodeInputs.push(base.slice(0, pos) + alphabet[rnd(alphabet.length)] + base.slice(pos + 1));
}
for (let i = 0; i < 100; i++) {
  let s = '';
  const n = 1 + rnd(9);
  for (let j = 0; j < n; j++) s += alphabet[rnd(alphabet.length)];
  decodeInputs.push(s);
}
const decode = [...new Set(decodeInputs)].map((s) => ({ hash: s, numbers: h.decode(s).map(String) }));

// One case per line keeps the file easy to diff.
const lines = (cases) => cases.map((c) => '  ' + JSON.stringify(c)).join(',\n');
const uniqueSingle = [...new Set(single.map(String))].map(BigInt);
process.stdout.write('{\n "generator": ' +
  JSON.stringify('hashids@2.3.0 (npm), salt "azowernasdfoia", min length 5, default alphabet; see gen-vectors.js') +
  ',\n "encode": [\n' + lines(uniqueSingle.map((n) => encode([n])).concat(multi.map(encode))) +
  '\n ],\n "decode": [\n' + lines(decode) + '\n ]\n}\n');
