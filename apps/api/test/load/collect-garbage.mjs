// Preloaded into a server process under test (NODE_OPTIONS=--import): a full
// garbage collection on SIGUSR2, so memory can be compared without the garbage
// V8 keeps until it next feels like collecting it. Changes nothing else.
import v8 from 'node:v8';
import vm from 'node:vm';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc');
process.on('SIGUSR2', () => gc());
