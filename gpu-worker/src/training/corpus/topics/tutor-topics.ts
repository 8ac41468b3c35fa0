/**
 * @module gpu-worker/training/corpus/topics/tutor-topics
 * Topic bank of the tutor: pure data (see {@link Topic} for the atom format).
 */
import type { Topic } from '../types';

/** Two dozen things students want to learn, four atoms each. */
export const TUTOR_TOPICS: readonly Topic[] = [
  {
    id: 'fractions', task: 'understand fractions', subject: 'fractions',
    atoms: [
      ['think of a fraction as parts of one whole', 'the picture makes the numbers real', '3/4 means 3 parts of a whole cut into 4'],
      ['use a common bottom number to add', 'you can only add parts of the same size', '1/2 + 1/3 = 3/6 + 2/6 = 5/6'],
      ['draw bars to check your answers', 'a drawing shows if the answer makes sense', '1 bar per fraction, all the same length'],
      ['simplify at the end', 'smaller numbers are easier to read', 'divide top and bottom by the GCD, so 6/8 = 3/4'],
    ],
  },
  {
    id: 'water-cycle', task: 'learn the water cycle', subject: 'the water cycle',
    atoms: [
      ['start with evaporation', 'the sun lifts water into the air', 'about 90% of vapor comes from oceans, seas and lakes'],
      ['then learn how clouds form', 'cooling vapor turns back into tiny drops', 'air cools about 6.5 C per 1,000 m of height'],
      ['move on to rain, snow and hail', 'drops grow until they are too heavy to float', 'a raindrop is about 2 mm across'],
      ['finish with runoff and ground water', 'water flows back to the sea to start again', 'a water molecule spends about 9 days in the air'],
    ],
  },
  {
    id: 'photosynthesis', task: 'understand photosynthesis', subject: 'photosynthesis',
    atoms: [
      ['remember the inputs of light, water and carbon dioxide', 'the plant needs all three to make food', '6 CO2 + 6 H2O + light gives C6H12O6 + 6 O2'],
      ['know that it happens in chloroplasts', 'that is where the green pigment catches light', 'chlorophyll absorbs mostly red and blue light'],
      ['think of the sugar as stored energy for the plant', 'the plant burns it later to grow', 'about 1-2% of sunlight ends up as stored energy'],
      ['link it to the air we breathe', 'the oxygen we need is a by-product', 'plants and algae make most of the oxygen in the air'],
    ],
  },
  {
    id: 'exam-prep', task: 'study for a big exam', subject: 'exam prep',
    atoms: [
      ['test yourself instead of rereading', 'recall builds stronger memory', 'practice questions for 60% of study time'],
      ['space your sessions over several days', 'spaced review beats cramming', 'review on day 1, 3, 7 and 14'],
      ['mix different topics in one session', 'it trains you to pick the right method', 'rotate 3 topics per session'],
      ['sleep well the night before', 'sleep locks in what you learned', '7-9 hours of sleep the night before'],
    ],
  },
  {
    id: 'simple-equations', task: 'solve simple equations', subject: 'simple equations',
    atoms: [
      ['do the same thing to both sides', 'the equation stays balanced', 'from 2x + 3 = 11, subtract 3 from both sides'],
      ['undo operations in reverse order', 'it peels the equation back to x', 'undo + and - first, then * and /'],
      ['check your answer by plugging it back in', 'a quick check catches slips', 'x = 4 gives 2*4 + 3 = 11'],
      ['write each step on a new line', 'it is easier to spot mistakes', '1 operation per line'],
    ],
  },
  {
    id: 'new-language', task: 'learn a new language', subject: 'a new language',
    atoms: [
      ['learn the most common words first', 'a small set covers most speech', 'the top 1,000 words cover about 80% of daily talk'],
      ['practice a little every day', 'short daily sessions beat long rare ones', '15-20 minutes a day'],
      ['speak from the first week', 'speaking builds confidence fast', '1 short conversation per week with a partner'],
      ['listen to things you enjoy', 'fun input keeps you going', '30 minutes of shows or podcasts a day'],
    ],
  },
  {
    id: 'gravity', task: 'understand gravity', subject: 'gravity',
    atoms: [
      ['think of gravity as a pull between masses', 'every object pulls on every other object', 'F = G m1 m2 / r^2'],
      ['notice that bigger masses pull harder', 'that is why the Earth holds us down', 'g = 9.81 m/s^2 at the surface'],
      ['see how distance weakens the pull', 'double the distance and the pull drops a lot', '2x the distance gives 1/4 of the force'],
      ['remember that all things fall at the same rate without air', 'mass cancels out in free fall', 'in a vacuum a feather and a hammer land together'],
    ],
  },
  {
    id: 'reading-comprehension', task: 'get better at reading comprehension', subject: 'reading comprehension',
    atoms: [
      ['preview the text before you read', 'you know what to look for', 'skim headings and first lines in 2 minutes'],
      ['ask questions while you read', 'it keeps your mind active', 'write 1 question per page'],
      ['summarize each section in your own words', 'it shows what you really understood', '1 sentence per section'],
      ['look up key words you do not know', 'one unknown word can block a whole idea', 'keep a list and review 10 words a day'],
    ],
  },
  {
    id: 'percentages', task: 'understand percentages', subject: 'percentages',
    atoms: [
      ['read percent as per hundred', 'it turns every percent into a fraction', '25% = 25/100 = 0.25'],
      ['find a percent of a number by multiplying', 'it is one simple step', '20% of 50 = 0.2 * 50 = 10'],
      ['use ten percent as a quick anchor', 'you can build other percents from it', '10% of 80 is 8, so 5% is 4'],
      ['watch out for percent change', 'the base number matters', 'from 50 to 60 is +20%, from 60 to 50 is -16.7%'],
    ],
  },
  {
    id: 'cell-parts', task: 'learn the parts of a cell', subject: 'cell biology',
    atoms: [
      ['start with the nucleus', 'it holds the genetic instructions', 'the nucleus is about 6 micrometers across'],
      ['learn that mitochondria make energy', 'they turn food into fuel the cell can use', 'a cell can have 1,000-2,000 mitochondria'],
      ['know the job of the cell membrane', 'it controls what goes in and out', 'the membrane is about 7-10 nm thick'],
      ['compare plant and animal cells', 'the differences help you remember the parts', 'plant cells add a cell wall and chloroplasts'],
    ],
  },
  {
    id: 'history-dates', task: 'remember history dates', subject: 'history dates',
    atoms: [
      ['build a timeline', 'seeing events in order helps memory', '1 line per century with key events marked'],
      ['link dates to causes and effects', 'a story is easier to recall than a number', 'pair each date with 1 cause and 1 effect'],
      ['use flash cards with spaced review', 'regular review moves facts into long term memory', 'review cards at 1, 3 and 7 days'],
      ['group events by era', 'clusters are easier to remember', '5-7 eras per course'],
    ],
  },
  {
    id: 'times-tables', task: 'learn the times tables', subject: 'the times tables',
    atoms: [
      ['learn the easy ones first', 'early wins build confidence', 'start with 1, 2, 5 and 10'],
      ['use the patterns', 'patterns cut the work in half', 'in 9 x n the digits add up to 9, as in 9 x 7 = 63'],
      ['remember that order does not matter', 'three times seven is the same as seven times three', 'that cuts the facts to learn from 100 to about 55'],
      ['practice a few minutes every day', 'short practice sticks better', '5 minutes a day, 20 facts per round'],
    ],
  },
  {
    id: 'class-notes', task: 'take better notes in class', subject: 'note taking',
    atoms: [
      ['write ideas in your own words', 'it forces you to think', 'max 1 direct quote per page'],
      ['use a simple system like Cornell notes', 'it builds review into the page', 'a 2.5 inch cue column, 6 inch notes and a 2 inch summary'],
      ['review your notes within a day', 'memory drops fast without review', '10 minutes of review within 24 hours'],
      ['mark what you do not understand', 'you will know what to ask next time', '1 question mark per unclear point'],
    ],
  },
  {
    id: 'electric-circuits', task: 'understand electric circuits', subject: 'electric circuits',
    atoms: [
      ['think of voltage as pressure and current as flow', 'the water picture makes it intuitive', 'V in volts, I in amps'],
      ['learn the law that links voltage, current and resistance', 'it lets you solve most simple circuits', 'V = I * R, so 12 V across 4 ohms gives 3 A'],
      ['compare series and parallel circuits', 'they split current and voltage differently', 'series resistors add, parallel ones follow 1/R = 1/R1 + 1/R2'],
      ['always close the loop', 'current only flows in a complete circuit', 'an open switch gives 0 A'],
    ],
  },
  {
    id: 'climate-weather', task: 'understand climate and weather', subject: 'climate and weather',
    atoms: [
      ['think of weather as today and climate as the long run', 'the time scale is the key difference', 'climate averages weather over 30 years'],
      ['learn what drives the weather', 'heat, air and water move in daily patterns', 'air pressure near 1013 hPa at sea level'],
      ['look at long term graphs, not single days', 'one cold day says little about climate', 'compare decades, not days'],
      ['connect climate to the greenhouse effect', 'some gases trap heat near the ground', 'CO2 is above 420 ppm today'],
    ],
  },
  {
    id: 'area', task: 'find the area of shapes', subject: 'area',
    atoms: [
      ['know that area counts the squares inside a shape', 'it makes every formula make sense', 'units are squared, such as cm^2'],
      ['learn the rectangle formula first', 'many shapes come from it', 'area = length * width, so 3 by 4 gives 12'],
      ['see a triangle as half a rectangle', 'it explains the half in the formula', 'area = 0.5 * base * height'],
      ['split odd shapes into simple parts', 'you can add the parts up', 'split an L shape into 2 rectangles'],
    ],
  },
  {
    id: 'study-time', task: 'manage my study time', subject: 'study time',
    atoms: [
      ['plan your week on Sunday', 'a plan turns goals into time slots', 'block 1-2 hour study slots in a calendar'],
      ['start with the hardest task', 'your focus is best early', 'first slot goes to the task you most want to avoid'],
      ['work in short focused blocks', 'breaks keep your mind fresh', '25 minutes of work, 5 minutes of rest'],
      ['put your phone in another room', 'even a silent phone pulls attention', '0 notifications during a block'],
    ],
  },
  {
    id: 'atoms', task: 'understand atoms', subject: 'atoms',
    atoms: [
      ['learn the three main parts', 'they explain how atoms behave', 'protons +1, neutrons 0, electrons -1 charge'],
      ['know that protons set the element', 'if you change them you have a new element', 'carbon has 6 protons, oxygen has 8'],
      ['picture electrons in shells', 'shells explain how atoms bond', 'shell limits of 2, 8 and 8 for the first three'],
      ['remember how small atoms are', 'scale helps the ideas feel real', 'about 0.1 nm across'],
    ],
  },
  {
    id: 'paragraphs', task: 'write a good paragraph', subject: 'a paragraph',
    atoms: [
      ['start with a topic sentence', 'it tells the reader the main idea', 'sentence 1 states the point'],
      ['support it with evidence', 'claims need proof', '2-3 supporting sentences with examples'],
      ['explain how the evidence fits', 'readers need the link spelled out', '1 sentence of analysis per example'],
      ['end with a link to the next idea', 'it makes the text flow', 'the last sentence wraps up or moves on'],
    ],
  },
  {
    id: 'probability', task: 'understand probability', subject: 'probability',
    atoms: [
      ['count the ways something can happen', 'probability is a share of all outcomes', 'P = favorable / total, so rolling a 6 is 1/6'],
      ['remember that probabilities run from zero to one', 'it is a quick sanity check', '0 = impossible, 1 = certain'],
      ['multiply for independent events', 'both must happen', 'two heads in a row = 0.5 * 0.5 = 0.25'],
      ['ignore streaks', 'past coin flips do not change the next one', 'each flip stays at 0.5'],
    ],
  },
  {
    id: 'memorization', task: 'memorize things faster', subject: 'memorization',
    atoms: [
      ['link new facts to things you already know', 'links give memory more hooks', '1 link per new fact'],
      ['use a memory palace for lists', 'places are easy to recall', '1 item in each of 10 rooms'],
      ['test yourself often', 'recall practice beats rereading', '3 recall rounds per session'],
      ['say it out loud or teach it', 'explaining forces clear thinking', 'explain the idea to someone in 2 minutes'],
    ],
  },
  {
    id: 'planets', task: 'learn the planets', subject: 'the solar system',
    atoms: [
      ['use a silly phrase to remember the order', 'a silly phrase is hard to forget', '8 planets from Mercury to Neptune'],
      ['split them into rocky and gas planets', 'groups make the list easier', '4 rocky inner planets, 4 giant outer planets'],
      ['learn one fun fact per planet', 'stories make facts stick', 'a day on Venus is longer than its year, 243 vs 225 Earth days'],
      ['get a sense of the distances', 'the scale is hard to picture', 'Earth is 150 million km from the Sun, or 1 AU'],
    ],
  },
  {
    id: 'commas', task: 'use commas correctly', subject: 'commas',
    atoms: [
      ['use a comma before and or but when it joins two full sentences', 'it marks where one idea ends', '2 full clauses + a conjunction = 1 comma'],
      ['put commas between items in a list', 'it keeps the items apart', '3 or more items take commas, as in a, b, and c'],
      ['set off an opening phrase with a comma', 'it shows where the main clause starts', 'opening phrases of 4 or more words take a comma'],
      ['avoid joining two sentences with only a comma', 'that makes a run-on sentence', 'use a period or a semicolon instead'],
    ],
  },
  {
    id: 'critical-thinking', task: 'think more critically', subject: 'critical thinking',
    atoms: [
      ['ask what the evidence is', 'a claim is only as strong as its support', 'check at least 2 independent sources'],
      ['look for other explanations', 'the first idea is not always right', 'list 3 possible causes before choosing'],
      ['notice your own bias', 'we all favor what we already believe', 'argue the other side for 5 minutes'],
      ['separate facts from opinions', 'they need different kinds of checks', 'tag each claim as fact or opinion'],
    ],
  },
];
