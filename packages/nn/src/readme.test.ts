import * as nd from '@lucid-ts/ndarray';
import * as ops from '@lucid-ts/ops';
import { describeReadmeExamples } from '../../../scripts/readme-examples.js';
import * as nn from './index.js';

describeReadmeExamples(new URL('../README.md', import.meta.url), { ...nd, ...ops, ...nn });
