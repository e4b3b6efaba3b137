import * as nd from '@lucid-ts/ndarray';
import { describeReadmeExamples } from '../../../scripts/readme-examples.js';
import * as ops from './index.js';

describeReadmeExamples(new URL('../README.md', import.meta.url), { ...nd, ...ops });
