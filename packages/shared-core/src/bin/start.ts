#!/usr/bin/env node
import { startStandalone } from '../standalone.js';

await startStandalone(process.argv.slice(2));
