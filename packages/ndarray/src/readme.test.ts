import { describeReadmeExamples } from '../../../scripts/readme-examples.js';
import * as nd from './index.js';

describeReadmeExamples(new URL('../README.md', import.meta.url), nd);
