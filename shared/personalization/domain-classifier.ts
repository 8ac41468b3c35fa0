/**
 * @module shared/personalization/domain-classifier
 * Guesses which domain a prompt belongs to (writing, code, tutoring, shopping, health, general),
 * cheaply enough to run at the edge on every request: the router uses the probabilities to pick
 * expert adapters. A multinomial naive Bayes over word unigrams (McCallum & Nigam 1998, "A
 * Comparison of Event Models for Naive Bayes Text Classification"), trained at module load on the
 * short example requests below, with Laplace smoothing and a uniform prior over domains.
 * Runtime-neutral: no Node or Workers APIs.
 */
import { DOMAINS, type Domain } from '../api/profile';

/** The classifier's answer: the most probable domain and the posterior over all of them. */
export interface DomainClassification {
  domain: Domain;
  /** Posterior probability of each domain; sums to 1. */
  probabilities: Record<Domain, number>;
}

/**
 * Example requests per domain, the classifier's whole training set. Kept short and varied so
 * that each domain's typical vocabulary appears a few times; add lines here to teach it more.
 */
export const DOMAIN_EXAMPLES: Record<Domain, readonly string[]> = {
  writing: [
    'Proofread my cover letter for typos', 'Make this paragraph sound more formal', 'Write a short poem about autumn leaves',
    'Help me draft an email to my landlord about the heating', 'Rewrite this sentence so it flows better',
    'Suggest a catchy title for my blog post', 'Give feedback on the opening chapter of my novel',
    'Shorten this essay to 500 words', 'Write a wedding toast for my best friend', 'Fix the grammar and punctuation in this text',
    'Brainstorm plot ideas for a mystery story', 'Make my LinkedIn summary more engaging', 'Draft a polite complaint letter to an airline',
    'Improve the tone of this newsletter', 'Write a product description for handmade candles',
    'Turn these bullet points into a persuasive paragraph', 'Help me write dialogue between two characters',
    'Edit my speech for clarity', 'Compose a thank you note to my teacher', 'Write a haiku about the sea',
    'Outline an article on remote work', 'Paraphrase this quote in my own words', 'Create a compelling headline for a press release',
    'Polish the wording of my personal statement', 'Write the first scene of a fantasy short story',
    'Make this email sound friendlier', 'Condense my report into an executive summary', 'Check my resume for awkward phrasing',
    'Write song lyrics about a road trip', 'Give me synonyms for the word happy in my essay', 'Rephrase this intro to hook readers',
  ],
  code: [
    'Fix this Python function that throws a KeyError', 'Write a SQL query to count orders per customer',
    'Why does my React component re-render twice', 'Explain this regular expression', 'Convert this JavaScript to TypeScript',
    'How do I reverse a linked list in Java', 'My Rust code fails to compile with a borrow checker error',
    'Write a bash script to rename all files in a folder', 'Optimize this loop that is too slow', 'How do I set up a Docker container for Node',
    'Debug the null pointer exception in my Android app', 'Write unit tests for this class', 'What does this git error mean when I push',
    'Implement binary search in C++', 'Refactor this code to remove duplication', 'How do I parse JSON in Go',
    'Create a REST API endpoint with Express', 'Why is my CSS flexbox layout not centering', 'Write a function that merges two sorted arrays',
    'Explain async await and promises', 'How do I install a package with pip in a virtual environment', 'Fix the segmentation fault in my C program',
    'Write a Dockerfile and a GitHub Actions workflow', 'What is the time complexity of this algorithm', 'Add type hints to this Python module',
    'Connect to a PostgreSQL database from Django', 'My Kubernetes pod keeps crashing', 'Write a regex that matches email addresses',
    'How do I handle exceptions in a compiler', 'Variable is undefined in my script, please debug the code',
  ],
  tutoring: [
    'Explain photosynthesis like I am ten', 'Help me understand how to solve quadratic equations', 'Quiz me on French vocabulary',
    'What caused the First World War, for my history exam', 'Walk me through long division step by step', 'Teach me the basics of derivatives in calculus',
    'I do not understand fractions, can you explain', 'Give me practice problems on probability', 'How does the water cycle work, for my homework',
    'Explain Newton laws of motion with examples', 'Help me study for my biology test on cells', 'What is the difference between mitosis and meiosis',
    'Check my answer to this geometry proof', 'Teach me how to conjugate Spanish verbs', 'Explain supply and demand for my economics class',
    'Make flashcards for the periodic table', 'How do I find the area of a triangle', 'Explain the Pythagorean theorem simply',
    'Help me revise for the chemistry exam on acids and bases', 'What is a metaphor, my teacher asked me to learn it',
    'Teach me to read sheet music', 'Explain how vaccines train the immune system for a school project',
    'Test me on the capitals of Europe for my geography quiz', 'Why is the sky blue, explain the physics lesson',
    'Help my child learn the multiplication tables', 'Explain photosynthesis and respiration for the lesson', 'Give me a lesson plan to learn algebra',
    'How do I balance chemical equations', 'Summarize the causes of the French Revolution for class', 'Explain what an integral means in calculus',
  ],
  shopping: [
    'Which laptop under 800 dollars is best for students', 'Compare the iPhone and Pixel cameras before I buy',
    'Find me a cheap flight deal', 'Recommend running shoes for flat feet', 'Is this vacuum cleaner worth the price',
    'What should I look for when buying a used car', 'Gift ideas for my dad who likes fishing', 'Best budget headphones with noise cancelling',
    'Where can I buy organic coffee beans online', 'Should I buy or lease a new car', 'Compare prices of these two TVs',
    'Find a discount code for this store', 'Which mattress brand has the best reviews', 'Recommend a coffee machine for a small kitchen',
    'What is a good birthday present for a teenager', 'Is it cheaper to buy in bulk', 'Help me choose a winter jacket that is waterproof',
    'Which stroller is best for a newborn', 'Can I return an item bought on sale', 'Track down the best deal on a gaming console',
    'Suggest an affordable engagement ring', 'Which brand of dishwasher is most reliable', 'Shopping list for furnishing a new apartment',
    'Are these sneakers on sale anywhere', 'Which smartwatch should I order', 'Compare grocery delivery services by price',
    'What size bike should I buy for my height', 'Recommend a durable backpack for travel', 'Is the extended warranty worth paying for',
    'Cheapest place to buy textbooks', 'Which tablet offers the best value for money',
  ],
  health: [
    'What are the symptoms of the flu', 'How much sleep does an adult need', 'Is it safe to take ibuprofen with coffee',
    'Suggest a beginner workout routine', 'How can I lower my blood pressure naturally', 'What foods are high in iron',
    'I have a headache every morning, what could cause it', 'How many calories should I eat to lose weight',
    'What are the side effects of this medication', 'Tips to reduce stress and anxiety', 'Is my resting heart rate normal',
    'How do I treat a sprained ankle', 'What vitamins help the immune system', 'Meal plan for someone with diabetes',
    'How long does a cold last', 'Stretches for lower back pain', 'When should I see a doctor about a fever',
    'Is intermittent fasting healthy', 'How to improve my posture at the desk', 'What is a healthy cholesterol level',
    'Signs of dehydration in children', 'How much water should I drink a day', 'Can allergies cause a sore throat',
    'Protein intake for building muscle', 'How do I know if a cut is infected', 'Exercises to strengthen my knees after surgery',
    'What helps with insomnia', 'Is this rash something to worry about', 'Healthy diet tips for pregnancy',
    'How to recover faster after running a marathon', 'Dosage of paracetamol for an adult with pain',
  ],
  general: [
    'What is the weather like in Paris in spring', 'Tell me a joke', 'Who won the World Cup in 2018', 'What time is it in Tokyo',
    'Plan a weekend trip to the mountains', 'Give me a recipe for banana bread', 'What is the capital of Australia',
    'Tell me an interesting fact about octopuses', 'Recommend a good movie for tonight', 'How tall is the Eiffel Tower',
    'What are some fun things to do on a rainy day', 'Convert 5 miles to kilometres', 'Who painted the Mona Lisa',
    'Suggest a name for my new puppy', 'What is the population of Canada', 'How do I get a stain out of a shirt',
    'What day of the week was July 4 1976', 'Ideas for a birthday party theme', 'Tell me about the history of the Olympics',
    'What board games are good for a family night', 'How do I make my houseplants grow', 'What is the news today',
    'Recommend a podcast about space', 'How far is the moon from the earth', 'What should I cook for dinner tonight',
    'Tell me a riddle', 'Where is the best place to travel in September', 'How do airplanes stay in the air',
    'What does the fox say', 'Translate hello into Japanese', 'Chat with me about your favourite music',
  ],
};

/** Words too common to say anything about the domain; removed before counting. */
const STOP_WORDS = new Set(
  ('a an the and or but if of to in on at by for with from into about as is are was were be been am do does did ' +
    'i me my mine we our you your he she it its they them their this that these those there here what which who whom ' +
    'how why when where can could would should will shall may might must please help tell give get make want need ' +
    'like just so than then too very some any all no not up out over under more most much many one two also' +
    ' s t d ll re ve m').split(/\s+/),
);

/**
 * Lower-cases, splits into words (keeping `+` and `#` so `c++` and `c#` survive), drops stop
 * words, and strips common English suffixes so `bugs`/`bug` and `running`/`run` share a feature.
 */
export function domainTokens(text: string): string[] {
  const out: string[] = [];
  for (const word of text.toLowerCase().match(/[a-z0-9+#]+/g) ?? []) {
    if (word.length < 2 || STOP_WORDS.has(word)) continue;
    out.push(stem(word));
  }
  return out;
}

function stem(word: string): string {
  if (word.length > 4 && word.endsWith('ies')) return `${word.slice(0, -3)}y`;
  if (word.length > 5 && word.endsWith('ing')) return word.slice(0, -3);
  if (word.length > 4 && word.endsWith('ed')) return word.slice(0, -2);
  if (word.length > 3 && word.endsWith('s') && !/(ss|us|is)$/.test(word)) return word.slice(0, -1);
  return word;
}

/** Laplace smoothing pseudo-count added to every word of every domain. */
const SMOOTHING = 1;

interface NaiveBayesModel {
  /** log P(word | domain) per domain, for every word seen in training (smoothed, so never -∞). */
  logLikelihood: Map<string, Float64Array>;
}

function train(examples: Record<Domain, readonly string[]>): NaiveBayesModel {
  const counts = new Map<string, Float64Array>();
  const totals = new Float64Array(DOMAINS.length);
  DOMAINS.forEach((domain, d) => {
    for (const example of examples[domain]) {
      for (const token of domainTokens(example)) {
        let row = counts.get(token);
        if (!row) counts.set(token, (row = new Float64Array(DOMAINS.length)));
        row[d] += 1;
        totals[d] += 1;
      }
    }
  });
  const vocabulary = counts.size;
  const denominators = totals.map((t) => t + SMOOTHING * vocabulary);
  const logLikelihood = new Map<string, Float64Array>();
  for (const [token, row] of counts) logLikelihood.set(token, row.map((c, d) => Math.log((c + SMOOTHING) / denominators[d])));
  return { logLikelihood };
}

const MODEL = train(DOMAIN_EXAMPLES);

/**
 * Classifies a prompt into one of {@link DOMAINS}. Words never seen in training are ignored; a
 * prompt with no known word at all is `general` with a flat distribution.
 *
 * @example
 * classifyDomain('Why does my Python script raise a KeyError?').domain; // 'code'
 */
export function classifyDomain(text: string): DomainClassification {
  const scores = new Float64Array(DOMAINS.length); // uniform prior: the log prior is a constant
  let known = 0;
  for (const token of domainTokens(text)) {
    const row = MODEL.logLikelihood.get(token);
    if (!row) continue;
    known += 1;
    for (let d = 0; d < DOMAINS.length; d++) scores[d] += row[d];
  }
  if (known === 0) {
    const flat = 1 / DOMAINS.length;
    return { domain: 'general', probabilities: Object.fromEntries(DOMAINS.map((d) => [d, flat])) as Record<Domain, number> };
  }
  // Softmax of the log joint probabilities, shifted by the maximum to avoid underflow.
  const max = Math.max(...scores);
  const exp = scores.map((s) => Math.exp(s - max));
  const sum = exp.reduce((a, b) => a + b, 0);
  let best = 0;
  for (let d = 1; d < DOMAINS.length; d++) if (exp[d] > exp[best]) best = d;
  return {
    domain: DOMAINS[best],
    probabilities: Object.fromEntries(DOMAINS.map((d, i) => [d, exp[i] / sum])) as Record<Domain, number>,
  };
}
