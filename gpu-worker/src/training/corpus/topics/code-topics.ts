/**
 * @module gpu-worker/training/corpus/topics/code-topics
 * Topic bank of the code assistant: pure data (see {@link Topic} for the atom format).
 */
import type { Topic } from '../types';

/** Two dozen programming tasks, four atoms each. */
export const CODE_TOPICS: readonly Topic[] = [
  {
    id: 'null-error', task: 'fix a null pointer error', subject: 'a null pointer error',
    atoms: [
      ['read the stack trace from the top', 'it shows the exact line that failed', 'check frame 1 and the first frame in your own code'],
      ['check where the value is set', 'the bug is often far from the crash', 'trace the variable back through 2-3 call sites'],
      ['add a guard before the value is used', 'it stops the crash and records the cause', 'return early when x == null and log at warn level'],
      ['write a test that reproduces the error', 'the fix stays fixed', '1 unit test that fails before the fix and passes after'],
    ],
  },
  {
    id: 'slow-sql', task: 'speed up a slow SQL query', subject: 'a slow SQL query',
    atoms: [
      ['look at the query plan first', 'it shows where the time goes', 'run EXPLAIN ANALYZE and find the node with the largest cost'],
      ['add an index on the columns you filter by', 'the database can skip most rows', 'index the WHERE and JOIN columns, most selective first'],
      ['select only the columns you need', 'less data moves over the wire', 'avoid SELECT * to cut row width by 50% or more'],
      ['look for queries inside loops', 'many small queries add up fast', 'replace N+1 queries with 1 JOIN or 1 IN list'],
    ],
  },
  {
    id: 'unit-tests', task: 'write unit tests for a function', subject: 'unit tests',
    atoms: [
      ['test one behavior per test', 'a failure then points to one cause', '1 behavior per test, named as a sentence'],
      ['cover the edge cases', 'bugs hide at the boundaries', 'test empty input, 0, 1, the max value and invalid values'],
      ['keep tests fast and independent', 'slow tests stop being run', 'under 100 ms per test with 0 shared state'],
      ['use clear arrange, act and assert steps', 'the intent of the test is easy to see', '3 blocks per test, split by blank lines'],
    ],
  },
  {
    id: 'merge-conflict', task: 'resolve a git merge conflict', subject: 'a merge conflict',
    atoms: [
      ['pull the latest changes before you start', 'it keeps the conflict small', 'git fetch, then git rebase origin/main'],
      ['open each conflicted file and read both sides', 'you need to know what each change meant', 'git diff --name-only --diff-filter=U lists the files'],
      ['keep both changes when they do not overlap', 'both authors usually had a reason', 'resolve hunk by hunk, never whole files blindly'],
      ['run the tests before you commit the merge', 'a clean merge can still break code', 'run the full test suite and expect 0 failures'],
    ],
  },
  {
    id: 'rest-api', task: 'design a REST API', subject: 'a REST API',
    atoms: [
      ['use nouns for resources and HTTP verbs for actions', 'the API stays easy to guess', 'GET /users, POST /users, DELETE /users/42'],
      ['return clear status codes', 'clients can handle errors without parsing text', '200 ok, 201 created, 400 bad input, 404 not found'],
      ['version the API from day one', 'you can change it later without breaking clients', 'prefix every path with /v1'],
      ['page through large lists', 'big responses are slow and costly', 'default limit of 50, max 200 items per page'],
    ],
  },
  {
    id: 'memory-leak', task: 'find a memory leak', subject: 'a memory leak',
    atoms: [
      ['watch memory over time under steady load', 'a leak shows as a line that only goes up', 'sample the heap every 30 seconds for 10 minutes'],
      ['take two heap snapshots and compare them', 'the growing objects point to the leak', 'diff 2 snapshots taken 5 minutes apart'],
      ['check listeners and caches that never shrink', 'they are the most common cause', 'cap each cache at a fixed size, such as 1,000 entries'],
      ['remove timers and handlers when you are done', 'they keep old objects alive', 'call clearInterval and removeEventListener on teardown'],
    ],
  },
  {
    id: 'learn-python', task: 'start learning Python', subject: 'Python',
    atoms: [
      ['install a recent version and a simple editor', 'a clean setup avoids early frustration', 'Python 3.12 or newer plus VS Code'],
      ['write a small program every day', 'practice beats reading', '30 minutes a day, 1 tiny script per session'],
      ['learn lists, dicts and loops first', 'they cover most daily tasks', 'week 1 covers types, lists, dicts and for loops'],
      ['build one small project you care about', 'a real goal keeps you going', '1 project of 100-300 lines by week 4'],
    ],
  },
  {
    id: 'code-review', task: 'review a pull request', subject: 'a code review',
    atoms: [
      ['read the description before the code', 'you need to know the goal', 'spend the first 2 minutes on the summary and linked issue'],
      ['look for logic errors before style', 'bugs matter more than spacing', 'leave style to the linter, 0 manual style comments'],
      ['ask questions instead of giving orders', 'it keeps the review friendly', 'phrase at least half of the comments as questions'],
      ['keep reviews small', 'big diffs hide bugs', 'under 400 lines per review session'],
    ],
  },
  {
    id: 'naming', task: 'name variables well', subject: 'variable names',
    atoms: [
      ['say what the value means, not its type', 'the code reads like plain language', 'prefer userCount over intValue'],
      ['use longer names for a wider scope', 'far from its source a name needs more context', '1 letter for a loop index, 2-4 words for a module constant'],
      ['avoid vague words like data or info', 'they say nothing about the value', '0 names that are only data, info or temp'],
      ['stay consistent across the codebase', 'readers learn the patterns once', 'camelCase for variables, PascalCase for types'],
    ],
  },
  {
    id: 'async-await', task: 'use async and await correctly', subject: 'async code',
    atoms: [
      ['always await or return a promise', 'a lost promise hides errors', 'enable the no-floating-promises lint rule'],
      ['run independent tasks at the same time', 'waiting in turn wastes time', 'use Promise.all for 2 or more independent calls'],
      ['catch errors where you can recover from them', 'errors should be handled where they make sense', '1 try block per recovery point'],
      ['batch awaits instead of awaiting one by one in a loop', 'one by one makes the loop slow', 'batch with a concurrency limit of 5-10'],
    ],
  },
  {
    id: 'docker', task: 'put my app in a Docker container', subject: 'a Docker container',
    atoms: [
      ['start from a small base image', 'smaller images build and ship faster', 'a slim or alpine image under 200 MB'],
      ['copy the dependency file before the source', 'the build cache can skip the install step', 'COPY package.json, RUN npm ci, then COPY the rest'],
      ['run the app as a non-root user', 'it limits damage if something goes wrong', 'USER node or a user with uid 1000'],
      ['pass settings as environment variables', 'the same image works everywhere', '0 secrets baked into the image'],
    ],
  },
  {
    id: 'regex', task: 'write a regular expression', subject: 'a regular expression',
    atoms: [
      ['start with a few real examples', 'you can test each change against them', 'collect 5 matches and 5 non-matches'],
      ['anchor the pattern when you match a whole line', 'it stops partial matches', 'wrap the pattern in ^ and $'],
      ['prefer specific classes over a dot star', 'broad patterns match too much', 'use [0-9]{3} instead of .*'],
      ['test it with unit tests', 'regex bugs are easy to miss by eye', 'a table of at least 10 test strings'],
    ],
  },
  {
    id: 'error-handling', task: 'handle errors in my code', subject: 'error handling',
    atoms: [
      ['fail early with a clear message', 'the cause is easier to find near the source', 'validate inputs in the first 3 lines of a function'],
      ['never swallow errors silently', 'hidden errors turn into strange bugs later', '0 empty catch blocks'],
      ['use custom error types for known cases', 'callers can react to each case', '1 class per error kind with a stable code'],
      ['log enough context to debug', 'an error without context is hard to fix', 'log the id, input size and step, never secrets'],
    ],
  },
  {
    id: 'refactor', task: 'refactor messy code', subject: 'messy code',
    atoms: [
      ['add tests before you change anything', 'tests tell you if you broke something', 'cover the main paths, aim for 80% line coverage'],
      ['change one small thing at a time', 'small steps are easy to undo', '1 refactor per commit, under 200 lines'],
      ['split long functions', 'short functions are easier to test', 'keep functions under 40 lines'],
      ['remove dead code', 'less code means less to read', 'delete code with 0 callers'],
    ],
  },
  {
    id: 'sql-or-nosql', task: 'choose between SQL and NoSQL', subject: 'a database choice',
    atoms: [
      ['start from how you will query the data', 'the query pattern decides the best fit', 'list your top 5 queries first'],
      ['pick SQL when data is related and must stay consistent', 'joins and transactions are built in', 'ACID transactions, foreign keys and a strict schema'],
      ['pick a document store for flexible, nested data', 'you can change the shape without migrations', 'documents up to 16 MB in MongoDB'],
      ['think about scale only when you know your numbers', 'most apps never outgrow one good server', '1 Postgres node often handles 10,000 queries per second'],
    ],
  },
  {
    id: 'page-speed', task: 'make my website load faster', subject: 'page speed',
    atoms: [
      ['compress and resize images', 'images are often most of the page weight', 'serve WebP at under 200 KB per image'],
      ['load scripts without blocking the page', 'the page can render sooner', 'add defer to script tags'],
      ['cache static files', 'repeat visits become almost instant', 'max-age of 31536000 seconds for hashed files'],
      ['measure before and after each change', 'you will know what really helped', 'track LCP with a target under 2.5 seconds'],
    ],
  },
  {
    id: 'logging', task: 'add good logging', subject: 'logging',
    atoms: [
      ['use log levels', 'you can turn noise up or down', '4 levels, debug, info, warn and error'],
      ['log structured data instead of plain text', 'tools can search and filter it', 'JSON lines with time, level, message and request id'],
      ['never log secrets or personal data', 'logs are widely shared', 'mask tokens and emails, 0 passwords'],
      ['include a request id in every line', 'you can follow one request end to end', '1 id per request, passed through all calls'],
    ],
  },
  {
    id: 'recursion', task: 'understand recursion', subject: 'recursion',
    atoms: [
      ['find the base case first', 'without it the function never stops', '1 base case that returns without a call'],
      ['make each call work on a smaller input', 'the problem shrinks toward the base case', 'input size drops by at least 1 per call'],
      ['trace a tiny example by hand', 'seeing the calls makes it click', 'trace n = 3, which gives 4 calls for factorial'],
      ['watch the stack depth', 'very deep recursion can crash', 'default limit near 1,000 frames in Python'],
    ],
  },
  {
    id: 'password-storage', task: 'store user passwords safely', subject: 'password storage',
    atoms: [
      ['never store passwords in plain text', 'a leak would expose every user', '0 plaintext copies, including logs'],
      ['hash them with a slow, salted algorithm', 'it makes guessing very costly', 'bcrypt with cost 12 or argon2id'],
      ['use a unique salt per user', 'the same password then gives different hashes', '16 random bytes per salt'],
      ['limit login attempts', 'it stops brute force guessing', 'max 5 failed tries per 15 minutes'],
    ],
  },
  {
    id: 'commit-messages', task: 'write good commit messages', subject: 'commit messages',
    atoms: [
      ['write a short summary line in the imperative', 'it reads well in the log', 'subject line under 50 characters'],
      ['explain why in the body', 'the diff already shows what changed', 'body lines wrapped at 72 characters'],
      ['keep one change per commit', 'it makes reverts and reviews easy', '1 logical change, ideally under 200 lines'],
      ['reference the issue number', 'it links the change to its reason', 'add a line such as Fixes #123'],
    ],
  },
  {
    id: 'json-parsing', task: 'parse JSON safely', subject: 'JSON parsing',
    atoms: [
      ['wrap the parse call in error handling', 'bad input should not crash the app', 'catch SyntaxError and return a 400 error'],
      ['validate the shape after parsing', 'valid JSON can still be the wrong data', 'a schema with required fields and types'],
      ['limit the size of the input', 'huge payloads can exhaust memory', 'cap request bodies at 1 MB'],
      ['treat large numbers with care', 'very large integers lose precision', 'integers above 2^53 need strings or BigInt'],
    ],
  },
  {
    id: 'css-layout', task: 'center things with CSS', subject: 'CSS layout',
    atoms: [
      ['use flexbox for one direction', 'it handles spacing and alignment well', 'display flex with justify-content and align-items set to center'],
      ['use grid for rows and columns together', 'grid places items in two directions', 'grid-template-columns set to repeat(3, 1fr)'],
      ['avoid fixed pixel widths for main areas', 'the layout must fit small screens', 'max-width of 1200px with width at 100%'],
      ['test on a phone size early', 'most visits come from phones', 'check the layout at 375 px wide'],
    ],
  },
  {
    id: 'caching', task: 'add caching to my app', subject: 'caching',
    atoms: [
      ['cache only data that is read often and changes rarely', 'that is where caching pays off', 'aim for a hit rate above 80%'],
      ['set an expiry on every entry', 'stale data is worse than slow data', 'a TTL of 60-300 seconds for most API data'],
      ['decide how to clear the cache on updates', 'wrong data can linger otherwise', 'delete the key on write and fill it again on read'],
      ['measure the hit rate', 'a cache that misses only adds cost', 'log hits and misses and review them weekly'],
    ],
  },
  {
    id: 'typescript-types', task: 'use TypeScript types well', subject: 'TypeScript types',
    atoms: [
      ['turn on strict mode', 'it catches many bugs early', 'strict set to true in tsconfig.json'],
      ['avoid the any type', 'it turns off the checks you want', '0 uses of any, use unknown and narrow it'],
      ['model states with union types', 'impossible states become impossible to write', 'a kind field with 2-4 literal values'],
      ['let the compiler infer simple types', 'extra annotations add noise', 'annotate inputs and exports, infer locals'],
    ],
  },
];
