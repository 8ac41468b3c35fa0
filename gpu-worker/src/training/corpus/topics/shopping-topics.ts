/**
 * @module gpu-worker/training/corpus/topics/shopping-topics
 * Topic bank of the shopping assistant: pure data (see {@link Topic} for the atom format).
 */
import type { Topic } from '../types';

/** Two dozen buying decisions, four atoms each. */
export const SHOPPING_TOPICS: readonly Topic[] = [
  {
    id: 'school-laptop', task: 'choose a laptop for school', subject: 'a school laptop',
    atoms: [
      ['decide what you will use it for', 'your needs shape every other choice', '8 GB RAM for notes and web, 16 GB or more for video'],
      ['pick a light model with long battery life', 'you will carry it all day', 'under 1.5 kg with 10 hours or more of battery'],
      ['get a solid state drive', 'it makes everything feel faster', 'an SSD of at least 256 GB'],
      ['check for student discounts', 'many brands offer them', 'savings of 5-15% with a school email'],
    ],
  },
  {
    id: 'running-shoes', task: 'buy running shoes', subject: 'running shoes',
    atoms: [
      ['shop late in the day', 'feet swell a bit by evening', 'try shoes after 4 pm'],
      ['leave room at the toe', 'feet slide forward when you run', 'about 1 cm past the longest toe'],
      ['jog in them before you buy', 'comfort in motion is what counts', 'run at least 2-3 minutes in the store'],
      ['replace them on time', 'worn foam stops protecting you', 'replace every 500-800 km'],
    ],
  },
  {
    id: 'used-car', task: 'buy a used car', subject: 'a used car',
    atoms: [
      ['set a full budget, not just a price', 'insurance and repairs add up', 'total yearly cost under 15% of take-home pay'],
      ['check the history report', 'it shows past accidents and owners', '0 salvage titles and a clean odometer record'],
      ['have a mechanic inspect it', 'a pro spots costly problems', 'an inspection costs about 100-200 dollars'],
      ['test drive it on different roads', 'some issues only show at speed', 'drive at least 30 minutes in the city and on the highway'],
    ],
  },
  {
    id: 'mattress', task: 'pick a new mattress', subject: 'a mattress',
    atoms: [
      ['match the firmness to how you sleep', 'the right support keeps your spine straight', 'side sleepers do well at 4-6 on a 10 point firmness scale'],
      ['use the trial period', 'a short test in the store says little', 'at least 100 nights of trial'],
      ['check the return rules', 'some returns cost a fee', 'a return fee under 100 dollars, or free'],
      ['ignore the buzzwords', 'comfort matters more than labels', 'good foam mattresses often cost 600-1,200 dollars'],
    ],
  },
  {
    id: 'new-phone', task: 'choose a new phone', subject: 'a new phone',
    atoms: [
      ['set a price limit before you look', 'it is easy to be upsold', 'mid-range phones cost 300-600 dollars'],
      ['check how long it gets updates', 'updates keep it safe', '5 or more years of security updates'],
      ['read battery life reviews', 'specs on paper do not tell the whole story', 'a full day, or 6 hours or more of screen time'],
      ['pick storage you will not outgrow', 'most phones cannot add more later', '128 GB minimum, 256 GB if you shoot video'],
    ],
  },
  {
    id: 'groceries', task: 'save money on groceries', subject: 'groceries',
    atoms: [
      ['plan meals for the week', 'a plan stops impulse buys', 'plan 5-7 dinners and shop once'],
      ['shop with a list', 'a list cuts extra spending', 'stick to the list for 90% of items'],
      ['compare unit prices', 'big packs are not always cheaper', 'check the price per 100 g or per liter'],
      ['buy store brands', 'they are often the same quality', 'often 20-30% cheaper'],
    ],
  },
  {
    id: 'winter-coat', task: 'buy a warm winter coat', subject: 'a winter coat',
    atoms: [
      ['check the fill or insulation', 'it sets how warm the coat is', 'down with a fill power of 600 or more'],
      ['make sure it blocks wind and water', 'wet and wind steal heat fast', 'a waterproof rating of 10,000 mm for wet places'],
      ['try it on with a sweater under it', 'you will wear layers in winter', 'room for 1 thick layer'],
      ['look for a hood and a long cut', 'they cover the spots that get cold', 'hip length or longer'],
    ],
  },
  {
    id: 'headphones', task: 'pick good headphones', subject: 'headphones',
    atoms: [
      ['decide between over-ear and in-ear', 'comfort and use differ', 'over-ear for home, in-ear for travel and the gym'],
      ['get noise cancelling if you commute', 'it cuts engine and crowd noise', 'active cancelling cuts low noise by 20-30 dB'],
      ['look at battery life', 'a short battery gets annoying fast', '20 hours or more for wireless over-ear'],
      ['try them for comfort', 'you may wear them for hours', 'test for at least 15 minutes'],
    ],
  },
  {
    id: 'new-tv', task: 'buy a new TV', subject: 'a new TV',
    atoms: [
      ['pick the size from your viewing distance', 'too big or too small strains the eyes', 'screen size about the distance in inches divided by 1.6'],
      ['go for 4K on big screens', 'the extra detail shows on big screens', '3840 by 2160 pixels for 50 inches or more'],
      ['check the brightness if your room is bright', 'dim screens wash out in daylight', '600 nits or more for sunny rooms'],
      ['skip the pricey cables', 'cheap cables work just as well', 'any certified HDMI cable under 20 dollars'],
    ],
  },
  {
    id: 'gift', task: 'find a good gift', subject: 'a gift',
    atoms: [
      ['think about what the person does each day', 'useful gifts get used', 'list 3 daily habits and pick 1 to improve'],
      ['set a budget first', 'it narrows the search fast', 'a firm cap, such as 30 or 50 dollars'],
      ['choose an experience when in doubt', 'memories often mean more than things', 'tickets, a class or a meal'],
      ['include a gift receipt', 'it makes returns easy', 'returns are often allowed within 30 days'],
    ],
  },
  {
    id: 'sofa', task: 'buy a sofa', subject: 'a sofa',
    atoms: [
      ['measure the room and the doorways', 'a sofa that does not fit is a costly mistake', 'measure width, depth and door width to 1 cm'],
      ['sit on it for a while', 'comfort shows after a few minutes', 'a seat depth of 50-60 cm suits most adults'],
      ['check the frame', 'a solid frame lasts for years', 'kiln-dried hardwood with a 10-year warranty'],
      ['pick a fabric that fits your life', 'kids and pets are hard on fabric', '30,000 or more on the rub test'],
    ],
  },
  {
    id: 'online-shopping', task: 'shop online safely', subject: 'online shopping',
    atoms: [
      ['buy from sites you trust', 'fake shops are common', 'check the site age, the reviews and https'],
      ['pay with a credit card or a trusted service', 'they offer better fraud protection', 'credit cards often cap your loss at 50 dollars'],
      ['be wary of deals that seem too good', 'they are often scams', 'prices over 50% below market are a red flag'],
      ['keep your receipts and order emails', 'they help if something goes wrong', 'save them for at least 90 days'],
    ],
  },
  {
    id: 'bike', task: 'buy a bike', subject: 'a bike',
    atoms: [
      ['choose the type for your riding', 'road, city and mountain bikes differ a lot', 'a city bike for trips under 10 km on paved roads'],
      ['get the right frame size', 'a poor fit causes pain', 'frame size = inseam in cm times 0.66'],
      ['test ride it before you buy', 'feel matters more than specs', 'ride at least 10 minutes'],
      ['budget for a helmet and a lock', 'you will need them from day one', 'add about 80-150 dollars'],
    ],
  },
  {
    id: 'coffee-maker', task: 'choose a coffee maker', subject: 'a coffee maker',
    atoms: [
      ['start from how you like your coffee', 'each machine makes a different cup', 'drip for 4-12 cups, espresso for 1-2 shots'],
      ['think about cleaning time', 'a machine that is hard to clean goes unused', 'under 5 minutes of daily cleaning'],
      ['check the cost of pods or filters', 'running costs add up', 'pods can cost 0.50-1.00 dollars per cup'],
      ['grind your beans fresh', 'fresh grounds taste better', 'grind within 15 minutes of brewing'],
    ],
  },
  {
    id: 'vacuum', task: 'buy a vacuum cleaner', subject: 'a vacuum',
    atoms: [
      ['match it to your floors', 'carpet and hard floors need different brushes', 'a rotating brush for carpet, a soft roller for wood'],
      ['check the suction and the filter', 'a good filter traps fine dust', 'a HEPA filter catches 99.97% of 0.3 micron particles'],
      ['consider a cordless model for quick jobs', 'you will clean more often', '30-60 minutes of runtime'],
      ['look at the bin size', 'small bins fill fast', '0.5 liters or more for a house'],
    ],
  },
  {
    id: 'kitchen-knife', task: 'buy a kitchen knife', subject: 'a kitchen knife',
    atoms: [
      ['start with one good chef knife', 'it does most kitchen tasks', 'a 20 cm blade suits most cooks'],
      ['hold it before you buy', 'balance and grip feel personal', 'a weight of 150-250 g'],
      ['pick steel you can keep sharp', 'a dull knife is more dangerous', 'a hardness of about 56-60 HRC'],
      ['buy a honing rod too', 'regular honing keeps the edge straight', 'hone every 2-3 uses'],
    ],
  },
  {
    id: 'backpack', task: 'choose a backpack', subject: 'a backpack',
    atoms: [
      ['pick the size for your trip', 'a big pack tempts you to overpack', '20-30 liters for a day, 40-60 for a weekend'],
      ['check the hip belt and straps', 'they move weight off your shoulders', 'the hip belt carries about 80% of the load'],
      ['try it with weight inside', 'an empty pack always feels fine', 'load 5-10 kg in the store'],
      ['look for a water resistant fabric', 'rain comes when you least expect it', 'coated nylon or a rain cover'],
    ],
  },
  {
    id: 'tires', task: 'buy new tires', subject: 'new tires',
    atoms: [
      ['check the size on your current tires', 'the wrong size can be unsafe', 'read the sidewall code, such as 205/55 R16'],
      ['pick tires for your climate', 'cold and snow need different rubber', 'winter tires below 7 C'],
      ['check the tread rating', 'it shows how long they last', 'a treadwear rating of 400 or more'],
      ['replace them in pairs or full sets', 'even grip keeps the car stable', 'replace at 3 mm of tread, the legal minimum is often 1.6 mm'],
    ],
  },
  {
    id: 'glasses', task: 'buy glasses online', subject: 'glasses',
    atoms: [
      ['get a current prescription', 'old numbers give blurry sight', 'an eye exam within the last 1-2 years'],
      ['measure your pupil distance', 'the lenses must line up with your eyes', 'PD in mm, usually 54-74'],
      ['check the frame size on glasses you own', 'the numbers tell you what fits', '3 numbers for lens width, bridge and arm length'],
      ['read the return policy', 'fit is hard to judge online', 'free returns within 14-30 days'],
    ],
  },
  {
    id: 'camera', task: 'choose a camera', subject: 'a camera',
    atoms: [
      ['ask if your phone is enough', 'phones handle most daily photos', 'a real camera wins in low light and at 5x zoom or more'],
      ['pick lenses before the body', 'lenses last longer than bodies', 'a 24-70 mm zoom covers most needs'],
      ['check the sensor size', 'bigger sensors handle low light better', 'APS-C or full frame, 24 MP is plenty'],
      ['hold it in your hands', 'a camera you enjoy is one you use', 'under 700 g for travel'],
    ],
  },
  {
    id: 'gaming-pc', task: 'buy a gaming PC', subject: 'a gaming PC',
    atoms: [
      ['put most of the budget into the graphics card', 'it drives game performance', 'about 35-45% of the total budget'],
      ['get enough memory', 'too little RAM causes stutter', '16 GB minimum, 32 GB for heavy use'],
      ['choose a fast SSD for games', 'load times drop a lot', 'an NVMe SSD of 1 TB'],
      ['buy a good power supply', 'a weak one can fail and harm other parts', '80 Plus Gold, 650-850 W'],
    ],
  },
  {
    id: 'printer', task: 'pick a printer', subject: 'a printer',
    atoms: [
      ['look at the ink cost per page, not just the price', 'cheap printers can have costly ink', 'under 2 cents per page for black'],
      ['choose laser for lots of text', 'laser is fast and cheap per page', 'laser for over 100 pages a month'],
      ['choose inkjet for photos', 'it handles color better', '4800 dpi or higher'],
      ['check the wireless setup', 'it saves cables and hassle', 'Wi-Fi and phone printing support'],
    ],
  },
  {
    id: 'extended-warranty', task: 'decide if an extended warranty is worth it', subject: 'an extended warranty',
    atoms: [
      ['check what the maker already covers', 'you may pay for cover you already have', 'most makers give 1 year'],
      ['compare the cost to the repair price', 'the math often does not work out', 'skip it if it costs over 20% of the item'],
      ['read what is excluded', 'fine print limits many plans', 'look for drops, water and batteries'],
      ['see if your credit card extends the cover', 'many cards add time for free', 'often 1 extra year'],
    ],
  },
  {
    id: 'houseplants', task: 'buy houseplants that survive', subject: 'houseplants',
    atoms: [
      ['check how much light you have', 'light is the main limit for most plants', 'low light means under 2 hours of direct sun'],
      ['start with hardy plants', 'easy plants build your confidence', 'snake plant and pothos survive missed watering'],
      ['check the roots and leaves in the store', 'healthy plants settle in faster', 'no yellow leaves, white firm roots'],
      ['pick pots with drainage holes', 'standing water rots roots', 'at least 1 hole, with a saucer'],
    ],
  },
];
