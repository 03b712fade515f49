/** A thread for the thread-bundles test: answers with its workerData and the node flags it runs with. */
import { parentPort, workerData } from 'node:worker_threads';

const flags: string[] = process.execArgv;
parentPort!.postMessage({ workerData, execArgv: flags });
