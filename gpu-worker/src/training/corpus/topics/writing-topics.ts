/**
 * @module gpu-worker/training/corpus/topics/writing-topics
 * Topic bank of the writing assistant: pure data (see {@link Topic} for the atom format).
 */
import type { Topic } from '../types';

/** Two dozen writing tasks, four atoms each. */
export const WRITING_TOPICS: readonly Topic[] = [
  {
    id: 'cover-letter', task: 'write a cover letter', subject: 'a cover letter',
    atoms: [
      ['open with the job title and where you found the post', 'the reader knows at once what you want', 'line 1 names the role and the source in under 25 words'],
      ['match two or three of your skills to the job ad', 'it shows you read the post with care', 'map 2-3 skills to 2-3 listed requirements'],
      ['give one short story that proves a skill', 'a real example is easier to trust than a claim', '1 example of 3-4 sentences with 1 measurable result'],
      ['end with a clear request for an interview', 'it tells the reader what to do next', 'closing paragraph of 2 sentences with 1 call to action'],
    ],
  },
  {
    id: 'email-to-manager', task: 'write a clear email to my manager', subject: 'an email to your manager',
    atoms: [
      ['put the main point in the first line', 'busy people often read only the start', 'line 1 holds the request or decision in under 20 words'],
      ['use a subject line that says what you need', 'it is easy to find the email later', 'subject line of 5-8 words, with a date if there is one'],
      ['keep each paragraph to one idea', 'the email is faster to scan', 'max 3 paragraphs of 2-3 sentences each'],
      ['close with the next step and a deadline', 'nobody has to guess what happens next', 'final line = action + owner + date'],
    ],
  },
  {
    id: 'essay-introduction', task: 'write a strong essay introduction', subject: 'an essay introduction',
    atoms: [
      ['start with a question or a surprising fact', 'it pulls the reader into the topic', 'hook of 1 sentence, under 25 words'],
      ['give a little background before the main claim', 'the reader needs context to follow you', '2-3 sentences of context'],
      ['end the introduction with a clear thesis', 'the thesis tells the reader where the essay will go', 'thesis of 1 sentence as the last line of paragraph 1'],
      ['write the introduction last', 'you will know what you are introducing', 'draft order is body, then conclusion, then introduction'],
    ],
  },
  {
    id: 'proofreading', task: 'proofread my own writing', subject: 'proofreading',
    atoms: [
      ['read the text out loud', 'your ear catches errors your eye skips', 'read aloud at about 150 words per minute'],
      ['take a break before you check it', 'fresh eyes see more mistakes', 'wait at least 20 minutes, ideally 24 hours'],
      ['check one kind of error per pass', 'it is hard to look for everything at once', '3 passes for spelling, grammar and flow'],
      ['print the text or change the font', 'a new look makes old text feel new', 'change the font size by 2 points or print on paper'],
    ],
  },
  {
    id: 'short-story', task: 'start writing a short story', subject: 'a short story',
    atoms: [
      ['begin close to the moment things change', 'readers want action early', 'inciting event within the first 300 words'],
      ['give your main character a clear want', 'a want creates tension on every page', '1 goal and 1 obstacle stated by page 2'],
      ['show feelings through actions instead of naming them', 'readers like to work things out', 'max 1 named emotion per scene'],
      ['cut any scene that does not move the story', 'a tight story holds attention', 'target 1,000-3,000 words for a first story'],
    ],
  },
  {
    id: 'resume-summary', task: 'write a resume summary', subject: 'a resume summary',
    atoms: [
      ['lead with your job title and years of experience', 'recruiters scan the top of the page first', 'line 1 = title + years, for example 5 years'],
      ['name two skills that match the job', 'it helps you pass keyword filters', 'include 2-3 exact keywords from the ad'],
      ['add one result with a number', 'numbers make a claim concrete', '1 metric, such as 20% faster or 3 launches'],
      ['keep it short and skip the word I', 'a summary should read like a headline', '3-4 lines, 40-60 words, no first person'],
    ],
  },
  {
    id: 'thank-you-note', task: 'write a thank-you note', subject: 'a thank-you note',
    atoms: [
      ['name the exact thing you are thankful for', 'a specific thanks feels sincere', '1 concrete detail in sentence 1'],
      ['say how it helped you', 'people like to know their effort mattered', '1 sentence on impact'],
      ['send it soon', 'a quick note shows you care', 'send within 48 hours'],
      ['keep it warm and short', 'a long note can feel forced', '3-5 sentences, under 100 words'],
    ],
  },
  {
    id: 'blog-post', task: 'write a blog post people will read', subject: 'a blog post',
    atoms: [
      ['pick one clear question to answer', 'a focused post is easier to share', '1 main question, stated in the title'],
      ['use short headings to break up the text', 'readers skim before they commit', '1 heading per 200-300 words'],
      ['open with the answer and then explain it', 'readers stay when they get value early', 'answer within the first 100 words'],
      ['end with one action the reader can take', 'it turns reading into doing', '1 call to action in 1 sentence'],
    ],
  },
  {
    id: 'wedding-toast', task: 'give a wedding toast', subject: 'a wedding toast',
    atoms: [
      ['start by saying who you are', 'half the room may not know you', 'intro of 1-2 sentences, about 10 seconds'],
      ['tell one short, kind story about the couple', 'a story moves people more than a list of praise', '1 story, under 60 seconds'],
      ['skip inside jokes', 'the whole room should be able to laugh with you', '0 inside jokes and 0 mentions of past partners'],
      ['end by raising your glass to the couple', 'it gives everyone a clear cue', 'total length of 2-3 minutes, about 300-400 words'],
    ],
  },
  {
    id: 'persuasive-letter', task: 'write a letter to convince someone', subject: 'a persuasive letter',
    atoms: [
      ['state what you want in the first paragraph', 'the reader should not have to hunt for it', 'request in paragraph 1, sentence 1 or 2'],
      ['give your best reason first', 'first points carry the most weight', 'order reasons by strength, 3 reasons max'],
      ['answer the main objection before it is raised', 'it builds trust and removes doubt', '1 paragraph for the top objection'],
      ['make the next step easy', 'people act when the path is simple', '1 specific request with a date'],
    ],
  },
  {
    id: 'wordy-writing', task: 'make my writing less wordy', subject: 'wordy writing',
    atoms: [
      ['cut filler words that add nothing', 'they add length without meaning', 'remove 10-20% of words on the first pass'],
      ['use strong verbs instead of a verb plus a noun', 'strong verbs are shorter and clearer', 'swap make a decision for decide, 3 words to 1'],
      ['prefer the active voice', 'it shows who does what', 'keep passive voice under 10% of sentences'],
      ['split long sentences', 'short sentences are easier to read', 'average 15-20 words per sentence'],
    ],
  },
  {
    id: 'simple-poem', task: 'write a simple poem', subject: 'a poem',
    atoms: [
      ['pick one small moment to write about', 'a narrow focus makes the poem vivid', '1 scene, 1 image, 8-16 lines'],
      ['use concrete images instead of big ideas', 'readers feel what they can see', 'at least 1 sensory detail per stanza'],
      ['read each line aloud to hear its rhythm', 'sound matters as much as meaning in a poem', 'lines of 6-10 syllables for a steady beat'],
      ['let the last line turn or surprise', 'a strong ending stays with the reader', 'final line under 8 words'],
    ],
  },
  {
    id: 'meeting-notes', task: 'take good meeting notes', subject: 'meeting notes',
    atoms: [
      ['write down decisions, not every word', 'decisions are what people need later', '3 fields per item, decision, owner and date'],
      ['use a simple template', 'a fixed layout saves time', '4 sections for agenda, notes, decisions and actions'],
      ['send the notes the same day', 'memory fades fast after a meeting', 'send within 2 hours'],
      ['mark action items clearly', 'it makes follow up easy', 'each action starts with a name and a due date'],
    ],
  },
  {
    id: 'product-description', task: 'write a product description', subject: 'a product description',
    atoms: [
      ['lead with the main benefit for the buyer', 'buyers care about what the product does for them', 'benefit in sentence 1, under 15 words'],
      ['list key details like size and material', 'it answers questions before they are asked', '3-5 short facts, each with units'],
      ['use the words your buyers use', 'it helps people find the page in search', 'include 1-2 search terms from real queries'],
      ['keep it easy to skim', 'most shoppers only scan', '50-150 words in total'],
    ],
  },
  {
    id: 'apology', task: 'write an apology', subject: 'an apology',
    atoms: [
      ['say sorry clearly and early', 'a vague apology sounds like an excuse', 'apology in sentence 1, with 0 excuses'],
      ['name what you did wrong', 'it shows you understand the harm', '1 sentence naming the specific action'],
      ['explain how you will fix it', 'repair matters more than words', '1 concrete step with a date'],
      ['give the other person time', 'forgiveness cannot be rushed', '0 requests for a quick reply'],
    ],
  },
  {
    id: 'executive-summary', task: 'write an executive summary', subject: 'an executive summary',
    atoms: [
      ['state the main finding first', 'leaders want the answer before the detail', 'finding in sentence 1'],
      ['give the three numbers that matter most', 'numbers make the case fast', 'max 3 metrics, each with a unit'],
      ['end with a clear recommendation', 'a summary should lead to a decision', '1 recommendation in 1 sentence'],
      ['keep it to one page', 'busy readers may read nothing else', 'max 1 page, 200-300 words'],
    ],
  },
  {
    id: 'dialogue', task: 'write natural dialogue', subject: 'dialogue',
    atoms: [
      ['let characters interrupt and leave things unsaid', 'real people rarely speak in full paragraphs', 'lines of 3-15 words on average'],
      ['use said for most speech tags', 'fancy tags pull attention from the words', 'said in 80% or more of tags'],
      ['give each speaker a distinct voice', 'readers should know who speaks without tags', '1 verbal habit per main character'],
      ['cut greetings and small talk', 'they slow the scene without adding much', 'enter the scene 2-3 lines late'],
    ],
  },
  {
    id: 'headline', task: 'write a catchy headline', subject: 'a headline',
    atoms: [
      ['put the key word near the start', 'readers decide in a second or two', 'key word within the first 3 words'],
      ['use a number when it fits', 'numbers promise a clear payoff', 'odd numbers like 5 or 7 often test well'],
      ['keep it short', 'long titles get cut off in search', 'under 60 characters, 6-10 words'],
      ['write ten versions and pick the best', 'the first idea is rarely the strongest', 'draft 10 options and test the top 2'],
    ],
  },
  {
    id: 'grant-proposal', task: 'write a grant proposal', subject: 'a grant proposal',
    atoms: [
      ['read the funder guidelines twice', 'many proposals fail on simple rules', 'check every limit for pages, font and budget cap'],
      ['state the problem with clear data', 'reviewers fund needs they can measure', '2-3 data points with sources'],
      ['set goals you can measure', 'it shows how success will be judged', '3 goals, each with a target and a date'],
      ['make the budget match the plan', 'gaps between the two raise doubts', 'every line item tied to 1 activity'],
    ],
  },
  {
    id: 'personal-statement', task: 'write a personal statement', subject: 'a personal statement',
    atoms: [
      ['build it around one real moment', 'a single story is more memorable than a list', '1 anchor story in the first 150 words'],
      ['show what you learned, not just what happened', 'readers want to see growth', 'reflection in about 40% of the text'],
      ['connect your story to the program', 'it shows why you fit', '1 paragraph linking to 2 program features'],
      ['stay within the word limit', 'it shows respect for the rules', 'within 5% under the limit, often 500-650 words'],
    ],
  },
  {
    id: 'newsletter', task: 'write a newsletter', subject: 'a newsletter',
    atoms: [
      ['lead with the most useful item', 'readers may not scroll far', 'top item in the first 150 words'],
      ['keep a steady schedule', 'readers learn when to expect you', 'same weekday, 1-4 issues a month'],
      ['write as if you talk to one reader', 'it feels personal and warm', 'use you at least once per section'],
      ['add one clear link per section', 'too many choices lower clicks', '1 link per section, max 5 per issue'],
    ],
  },
  {
    id: 'article-summary', task: 'summarize an article', subject: 'an article summary',
    atoms: [
      ['read the whole piece before you write', 'you need the full picture first', '1 full read, then 1 skim for key points'],
      ['find the main claim and the top support', 'a summary keeps only the core', '1 claim + 2-3 supporting points'],
      ['use your own words', 'it proves you understood the text', 'quote at most 1 short phrase'],
      ['keep it much shorter than the source', 'a summary saves the reader time', '10-20% of the original length'],
    ],
  },
  {
    id: 'instructions', task: 'write clear instructions', subject: 'instructions',
    atoms: [
      ['number the steps in order', 'readers can keep their place', '1 action per numbered step'],
      ['start each step with a verb', 'it tells the reader what to do at once', 'first word of each step is an imperative verb'],
      ['say what success looks like', 'people want to know they did it right', '1 expected result per 3-5 steps'],
      ['test them on someone new', 'fresh users find the gaps', 'test with 1-2 people who have never done the task'],
    ],
  },
  {
    id: 'short-bio', task: 'write a short bio', subject: 'a short bio',
    atoms: [
      ['write in the third person', 'it reads well on a program or a website', 'your full name in sentence 1'],
      ['lead with what you do now', 'current work is what readers care about', 'role + focus in under 20 words'],
      ['add one or two highlights', 'proof makes the bio credible', '1-2 achievements, each with a number'],
      ['end with a human detail', 'it makes you memorable', '1 hobby or fact in 1 sentence'],
    ],
  },
];
