/**
 * @module gpu-worker/training/corpus/topics/health-topics
 * Topic bank of the health information assistant: pure data (see {@link Topic} for the atom
 * format). General wellness information only; topics where it matters end with when to see a
 * doctor.
 */
import type { Topic } from '../types';

/** Two dozen everyday health questions, four atoms each. */
export const HEALTH_TOPICS: readonly Topic[] = [
  {
    id: 'sleep', task: 'sleep better at night', subject: 'sleep',
    atoms: [
      ['keep the same wake time every day', 'a steady rhythm makes falling asleep easier', 'same wake time within 30 minutes, 7 days a week'],
      ['keep screens out of bed', 'bright light tells the brain it is daytime', 'no screens for 30-60 minutes before bed'],
      ['keep the room cool and dark', 'the body sleeps best when it cools down', 'a room at 16-19 C'],
      ['see a doctor if poor sleep goes on for weeks', 'it can be a sign of a treatable problem', 'talk to a doctor if it lasts over 3 weeks'],
    ],
  },
  {
    id: 'stress', task: 'lower my stress', subject: 'stress',
    atoms: [
      ['take slow breaths when you feel tense', 'slow breathing calms the body', 'inhale for 4 seconds, exhale for 6 seconds, for 2-5 minutes'],
      ['move your body every day', 'exercise burns off stress hormones', '30 minutes of walking a day'],
      ['talk to someone you trust', 'sharing makes problems feel lighter', '1 real conversation a day'],
      ['get help if the stress does not ease', 'long stress can harm your health', 'see a professional if it lasts over 2 weeks'],
    ],
  },
  {
    id: 'hydration', task: 'drink enough water', subject: 'hydration',
    atoms: [
      ['keep a bottle with you', 'you drink more when water is close', 'a 0.5-1 liter bottle refilled 2-3 times a day'],
      ['check the color of your urine', 'pale yellow means you are doing fine', 'aim for a pale straw color'],
      ['drink more when it is hot or you exercise', 'you lose more water through sweat', 'add about 0.5 liters per hour of exercise'],
      ['eat foods rich in water', 'fruit and soup count toward your total', 'about 20% of water comes from food'],
    ],
  },
  {
    id: 'start-running', task: 'start running safely', subject: 'running',
    atoms: [
      ['begin with walk and run intervals', 'it lets your body adapt', '1 minute of running, 2 minutes of walking, 20 minutes in total'],
      ['increase slowly', 'too much too soon leads to injury', 'add no more than 10% per week'],
      ['rest between runs', 'muscles grow stronger during recovery', '3 runs a week with a rest day between'],
      ['stop if you feel sharp pain', 'pain is a warning sign', 'see a doctor if pain lasts more than 3 days'],
    ],
  },
  {
    id: 'common-cold', task: 'take care of a cold', subject: 'a cold',
    atoms: [
      ['rest as much as you can', 'your body fights the virus better when rested', '8 hours of sleep or more'],
      ['drink plenty of fluids', 'fluids thin mucus and prevent dehydration', 'about 2-3 liters a day'],
      ['wash your hands often', 'it keeps you from spreading it', '20 seconds with soap'],
      ['see a doctor if things get worse', 'some colds lead to other problems', 'a fever over 39 C or symptoms past 10 days'],
    ],
  },
  {
    id: 'back-pain', task: 'ease lower back pain', subject: 'lower back pain',
    atoms: [
      ['keep moving gently', 'bed rest often makes back pain last longer', 'short walks of 10 minutes a few times a day'],
      ['use heat or cold for comfort', 'it can ease muscle tension', '15-20 minutes at a time'],
      ['check how you sit', 'poor posture strains the back', 'stand up every 30 minutes with feet flat when seated'],
      ['get checked if you have numbness or weakness', 'those signs need prompt care', 'seek care at once for numbness, or if pain lasts over 6 weeks'],
    ],
  },
  {
    id: 'healthy-eating', task: 'eat a healthier diet', subject: 'healthy eating',
    atoms: [
      ['fill half your plate with vegetables and fruit', 'they add fiber and vitamins', '5 portions a day, about 400 g'],
      ['choose whole grains', 'they keep you full longer', 'at least half of your grains whole'],
      ['cut back on sugary drinks', 'they add sugar without filling you up', 'added sugar under 10% of calories'],
      ['cook at home more often', 'you control what goes in', '3-4 home cooked dinners a week'],
    ],
  },
  {
    id: 'tension-headache', task: 'deal with tension headaches', subject: 'tension headaches',
    atoms: [
      ['take breaks from screens', 'eye strain can trigger headaches', 'every 20 minutes, look 6 meters away for 20 seconds'],
      ['drink water and eat regular meals', 'hunger and thirst are common triggers', 'meals every 4-5 hours'],
      ['relax your neck and shoulders', 'tight muscles feed the pain', 'gentle stretches for 5 minutes, 2-3 times a day'],
      ['see a doctor for sudden or severe headaches', 'some headaches need urgent care', 'urgent care for the worst headache of your life'],
    ],
  },
  {
    id: 'strength-training', task: 'start strength training', subject: 'strength training',
    atoms: [
      ['learn good form with light weights', 'good form protects your joints', '2-3 sets of 10-12 reps with a light weight'],
      ['train the whole body', 'balanced strength prevents injury', '2-3 sessions a week for all major muscle groups'],
      ['add weight slowly', 'steady progress is safer', 'increase by 2.5-5% when reps feel easy'],
      ['rest muscles between sessions', 'they repair and grow during rest', '48 hours before training the same muscle again'],
    ],
  },
  {
    id: 'sun-protection', task: 'protect my skin from the sun', subject: 'sun protection',
    atoms: [
      ['use sunscreen every day', 'UV reaches you even on cloudy days', 'SPF 30 or higher, broad spectrum'],
      ['put it on again often', 'sunscreen wears off', 'every 2 hours and after swimming'],
      ['seek shade at midday', 'UV is strongest then', '10 am to 4 pm'],
      ['check your skin for changes', 'early checks catch problems early', 'see a doctor about spots that change size, shape or color'],
    ],
  },
  {
    id: 'daily-walking', task: 'walk more each day', subject: 'daily walking',
    atoms: [
      ['take short walks after meals', 'it helps blood sugar and digestion', '10-15 minutes after each meal'],
      ['use the stairs when you can', 'small choices add up', '2-3 flights a day'],
      ['track your steps', 'numbers keep you motivated', '7,000-10,000 steps a day'],
      ['walk with a friend', 'company turns it into a habit', '2 shared walks a week'],
    ],
  },
  {
    id: 'caffeine', task: 'cut down on caffeine', subject: 'caffeine',
    atoms: [
      ['cut back slowly', 'stopping at once can cause headaches', 'reduce by 1 cup every 3-4 days'],
      ['stop caffeine by early afternoon', 'it can disturb sleep for hours', 'no caffeine after 2 pm'],
      ['swap in decaf or herbal tea', 'you keep the habit without the buzz', 'decaf has about 2-5 mg per cup'],
      ['know your daily total', 'caffeine hides in many drinks', 'most adults should stay under 400 mg a day'],
    ],
  },
  {
    id: 'desk-setup', task: 'set up a healthy desk', subject: 'a desk setup',
    atoms: [
      ['put the top of the screen at eye level', 'it keeps your neck neutral', 'screen 50-70 cm from the eyes'],
      ['keep your elbows at a right angle', 'it reduces strain on the wrists', 'elbows at about 90 degrees'],
      ['support your lower back', 'it keeps a natural curve', 'a cushion or lumbar support on the chair'],
      ['stand up often', 'sitting still for hours stiffens the body', 'move for 2-3 minutes every 30 minutes'],
    ],
  },
  {
    id: 'mental-health', task: 'look after my mental health', subject: 'mental health',
    atoms: [
      ['keep a simple daily routine', 'routine gives a sense of control', 'fixed times for waking, meals and sleep'],
      ['stay in touch with people', 'connection protects mood', 'contact 1 friend or family member a day'],
      ['get outside in daylight', 'light and fresh air lift mood', '20-30 minutes outdoors a day'],
      ['reach out for help early', 'talking to a professional works best early', 'contact a doctor or helpline if low mood lasts 2 weeks'],
    ],
  },
  {
    id: 'seasonal-allergies', task: 'manage seasonal allergies', subject: 'seasonal allergies',
    atoms: [
      ['check the pollen count', 'you can plan around high days', 'stay in when pollen peaks, often from 5 am to 10 am'],
      ['keep windows closed on high days', 'pollen drifts inside', 'a HEPA air filter in the bedroom'],
      ['shower after being outside', 'pollen sticks to skin and hair', 'rinse off within 1 hour of coming in'],
      ['ask a pharmacist about medicine', 'some options work better when started early', 'start 1-2 weeks before the season'],
    ],
  },
  {
    id: 'blood-pressure', task: 'keep my blood pressure healthy', subject: 'blood pressure',
    atoms: [
      ['eat less salt', 'salt raises blood pressure in many people', 'under 5 g of salt a day'],
      ['stay active', 'exercise helps the heart and vessels', '150 minutes of moderate activity a week'],
      ['limit alcohol', 'drinking raises pressure over time', 'no more than 1-2 drinks a day'],
      ['check it regularly', 'high pressure often has no symptoms', 'normal is below 120/80 mmHg'],
    ],
  },
  {
    id: 'small-cut', task: 'treat a small cut', subject: 'a small cut',
    atoms: [
      ['stop the bleeding with gentle pressure', 'pressure helps the blood clot', 'press with a clean cloth for 5-10 minutes'],
      ['clean the cut with water', 'it removes dirt and germs', 'rinse under running water for 1-2 minutes'],
      ['cover it with a clean bandage', 'it keeps the wound clean', 'change it once a day or when wet'],
      ['watch for signs of infection', 'infections need treatment', 'see a doctor for spreading redness, pus or fever'],
    ],
  },
  {
    id: 'eye-strain', task: 'protect my eyes from screen strain', subject: 'eye strain',
    atoms: [
      ['blink more often', 'staring at screens cuts blinking', 'people blink about 60% less at screens'],
      ['look away from the screen often', 'your eye muscles need to relax', 'every 20 minutes, 20 seconds at 6 m'],
      ['match screen brightness to the room', 'glare tires the eyes', 'about 300-500 nits indoors'],
      ['get regular eye exams', 'small changes in vision add strain', 'every 1-2 years'],
    ],
  },
  {
    id: 'healthy-weight', task: 'reach a healthy weight', subject: 'a healthy weight',
    atoms: [
      ['aim for slow, steady change', 'slow change is easier to keep', 'about 0.5 kg a week'],
      ['eat more protein and fiber', 'they keep you full', 'protein at every meal, 25-30 g of fiber a day'],
      ['watch portion sizes', 'large plates lead to large meals', 'plates about 23 cm across'],
      ['talk to a doctor before big changes', 'some conditions need a tailored plan', 'check in before any diet under 1,200 kcal a day'],
    ],
  },
  {
    id: 'stretching', task: 'stretch safely', subject: 'stretching',
    atoms: [
      ['warm up first', 'warm muscles stretch more easily', '5-10 minutes of light activity'],
      ['hold each stretch gently', 'bouncing can strain muscles', 'hold 20-30 seconds with no bouncing'],
      ['breathe slowly while you stretch', 'breathing helps muscles relax', 'slow breaths, about 6 per minute'],
      ['stop at mild tension, never pain', 'pain means you went too far', 'effort of 3-4 on a 10 point scale'],
    ],
  },
  {
    id: 'quit-smoking', task: 'quit smoking', subject: 'quitting smoking',
    atoms: [
      ['set a quit date', 'a date turns a wish into a plan', 'a date within the next 2 weeks'],
      ['ask about nicotine replacement', 'it eases cravings', 'patches or gum can double the chance of success'],
      ['plan for cravings', 'they pass if you wait', 'most cravings fade in 5-10 minutes'],
      ['tell friends and family', 'support keeps you on track', '1-2 people to call when cravings hit'],
    ],
  },
  {
    id: 'hand-washing', task: 'wash my hands properly', subject: 'hand washing',
    atoms: [
      ['wet your hands and use soap', 'soap lifts germs off the skin', 'any plain soap works'],
      ['scrub all parts of your hands', 'germs hide between fingers and under nails', 'at least 20 seconds'],
      ['rinse and dry with a clean towel', 'wet hands spread germs more easily', 'dry fully, with a single use towel in public'],
      ['wash at key times', 'it breaks the chain of infection', 'before eating, after the toilet and after coughing'],
    ],
  },
  {
    id: 'hot-weather', task: 'stay safe in hot weather', subject: 'hot weather',
    atoms: [
      ['drink water before you feel thirsty', 'thirst lags behind need', 'a cup every 15-20 minutes when active'],
      ['avoid hard exercise at midday', 'heat stress builds fast', 'exercise before 10 am or after 6 pm'],
      ['wear light, loose clothing', 'it lets sweat cool you', 'light colors and breathable cotton'],
      ['know the signs of heat stroke', 'it needs emergency care', 'call for help if body temperature is over 40 C'],
    ],
  },
  {
    id: 'meditation', task: 'start meditating', subject: 'meditation',
    atoms: [
      ['start with a few minutes', 'short sessions are easy to keep', '5 minutes a day for the first week'],
      ['focus on your breath', 'it gives the mind a simple anchor', 'count breaths from 1 to 10, then start again'],
      ['expect your mind to wander', 'noticing and coming back is the practice', 'return to the breath each time, with no judging'],
      ['pick a regular time', 'habits stick when they are tied to routines', 'the same time daily, such as after breakfast'],
    ],
  },
];
