#!/usr/bin/env node
import { runCli } from './cli/program.js'

runCli(process.argv)
