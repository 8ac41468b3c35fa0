/**
 * @module shared/privacy/pii/recognizers/first-names
 * Common given names from many languages (about 1,000), as data for the person recognizer, in
 * two lists: names that are rarely anything else, and names that are also ordinary words,
 * months or places (`Will`, `May`, `Grace`, `Jordan`, `Ruby`), which count as a name only with a
 * surname or a cue. Compiled by hand from public "most common given names" lists of the US,
 * UK, Spain, Latin America, France, Germany, Italy, Poland, Russia, Scandinavia, the Arab world,
 * Iran, Turkey, India, China (pinyin), Japan, Korea, Vietnam and West/East/Southern Africa.
 */

const UNAMBIGUOUS = `
James John Robert Michael William David Richard Joseph Thomas Charles Christopher Daniel Matthew Anthony Donald
Steven Paul Andrew Joshua Kenneth Kevin Brian George Timothy Ronald Edward Jason Jeffrey Ryan Jacob Gary Nicholas
Eric Jonathan Stephen Larry Justin Scott Brandon Benjamin Samuel Gregory Alexander Patrick Jack Dennis Jerry Tyler
Aaron Jose Adam Nathan Henry Douglas Zachary Peter Kyle Noah Ethan Jeremy Walter Christian Keith Roger Terry Austin
Sean Gerald Carl Harold Dylan Arthur Lawrence Jordan Jesse Bryan Billy Bruce Gabriel Logan Alan Juan Albert Willie
Elijah Randy Wayne Vincent Russell Louis Philip Bobby Johnny Bradley Liam Oliver Lucas Mason Aiden Owen Caleb Isaac
Luke Levi Julian Hudson Grayson Ezra Theodore Leo Sebastian Mateo Elias Josiah Jaxon Asher Isaiah Nolan Cameron
Mary Patricia Jennifer Linda Elizabeth Barbara Susan Jessica Sarah Karen Lisa Nancy Betty Margaret Sandra Ashley
Kimberly Emily Donna Michelle Carol Amanda Dorothy Melissa Deborah Stephanie Rebecca Sharon Laura Cynthia Kathleen
Amy Angela Shirley Anna Brenda Pamela Emma Nicole Helen Samantha Katherine Christine Debra Rachel Carolyn Janet
Catherine Maria Heather Diane Julie Joyce Victoria Kelly Christina Lauren Joan Evelyn Olivia Judith Megan Cheryl
Martha Andrea Frances Hannah Jacqueline Ann Gloria Teresa Kathryn Sara Janice Alice Madison Doris Abigail Julia
Judy Denise Marilyn Danielle Beverly Isabella Theresa Diana Natalie Brittany Charlotte Marie Kayla Alexis Lori
Sophia Mia Amelia Harper Ella Avery Sofia Camila Aria Scarlett Chloe Penelope Layla Riley Zoey Nora Lily Eleanor
Hazel Aubrey Addison Ellie Stella Natalia Zoe Leah Audrey Savannah Brooklyn Bella Claire Skylar Lucy Paisley
Everly Caroline Nova Genesis Emilia Kennedy Maya Willow Kinsley Naomi Elena Sadie Ariana Allison Gabriella Madelyn
Jane Jenny Jennie Katie Kate Becky Beth Molly Polly Meg Peggy Maggie Nellie Tom Tommy Tim Mike Mikey Dave Steve Jim
Jimmy Joe Joey Bob Rob Robbie Bobbie Nick Nicky Chris Matt Dan Danny Sam Ben Benny Alex Andy Tony Ted Teddy Fred Ed
Eddie Greg Jeff Jon Josh Zach Nate Ken Kenny Larry Harry Charlie Archie Alfie Freddie Oscar Toby Finn Rory Callum
Declan Connor Niall Eoin Aoife Siobhan Niamh Ciara Saoirse Sinead Orla Cormac Ronan Seamus Padraig Dermot
Carlos Luis Jorge Miguel Pedro Alejandro Diego Javier Fernando Ricardo Manuel Francisco Antonio Rafael Sergio Pablo
Andres Eduardo Roberto Raul Ramon Enrique Emilio Joaquin Santiago Valentina Lucia Martina Paula Daniela Carmen
Rosa Ana Isabel Pilar Dolores Mercedes Alejandra Guadalupe Ximena Fernanda Mariana Gabriela Camila Renata Luciana
Catalina Jimena Paloma Marisol Beatriz Ines Joao Tiago Goncalo Rodrigo Afonso Duarte Leonor Matilde Beatriz
Francesca Giulia Chiara Alessandra Giovanni Giuseppe Marco Luca Matteo Lorenzo Alessandro Andrea Davide Federico
Riccardo Stefano Paolo Roberto Simone Elisa Silvia Valeria Sara Martina Giorgia Alessia Federica Ilaria Elisabetta
Jean Pierre Michel Philippe Alain Nicolas Christophe Laurent Julien Mathieu Thibault Antoine Guillaume Olivier
Sebastien Francois Amelie Camille Manon Chloe Ines Juliette Margaux Sophie Isabelle Nathalie Sylvie Celine Aurelie
Helene Elodie Mathilde Clemence Lea Louise Agathe Gaspard Hugo Louis Arthur Raphael Jules Adrien Baptiste Maxime
Hans Klaus Jurgen Wolfgang Dieter Uwe Stefan Frank Torsten Lukas Leon Felix Jonas Tobias Moritz Florian Sebastian
Maximilian Niklas Jannik Anke Birgit Sabine Petra Ursula Heike Katrin Claudia Susanne Lena Hanna Leonie Johanna
Lara Laura Marlene Greta Frieda Emil Anton Paul Karl Otto Friedrich Heinrich Gunther Helmut Matthias Bastian
Piotr Krzysztof Tomasz Pawel Marcin Michal Grzegorz Jakub Lukasz Kamil Agnieszka Katarzyna Malgorzata Magdalena
Joanna Monika Ewa Dorota Zofia Aleksandra Natalia Kasia Ivan Dmitri Dmitry Sergei Sergey Alexei Alexey Nikolai
Mikhail Andrei Vladimir Yuri Oleg Igor Pavel Boris Anastasia Ekaterina Tatiana Olga Irina Svetlana Natasha Yulia
Oksana Daria Ksenia Milena Jelena Dragana Bogdan Goran Zoran Nikola Stefan Luka Ivana Petra Marija Ana
Lars Anders Erik Nils Johan Magnus Henrik Mikael Bjorn Sven Ole Jens Soren Rasmus Mads Astrid Ingrid Sigrid Freja
Elsa Saga Maja Linnea Ebba Karin Kirsten Mette Hanne Liv Tuva Aino Eero Juha Mikko Matti Antti Jukka
Mohammed Muhammad Mohamed Ahmed Ahmad Ali Omar Hassan Hussein Ibrahim Youssef Yusuf Khalid Abdullah Mahmoud Mustafa
Karim Tariq Hamza Bilal Amir Samir Nabil Rami Fatima Aisha Maryam Mariam Zainab Layla Noor Nour Amina Khadija Huda
Salma Yasmin Yasmine Leila Rania Dina Hana Farah Reem Lina Mona Sara Zahra Reza Mehdi Hossein Ali Amir Dariush Kian
Arash Parisa Shirin Niloufar Roya Mina Ladan Mehmet Mustafa Ahmet Emre Burak Murat Cem Deniz Elif Zeynep Ayse
Fatma Emine Selin Ece Merve Ebru Busra Min-jun Ji-woo Seo-yeon Ji-ho Ji-soo Ji-min Min-ji Soo-jin Eun-ji Hye-jin
Ji-hoon Dong-hyun Sung-min Ha-eun Ye-jin Seo-jun Do-yun Rahul Amit Raj Rajesh Ravi Sanjay Vikram Arjun Rohan Aditya Vivek Suresh
Ramesh Anil Sunil Deepak Manoj Ashok Arun Karan Nikhil Siddharth Pranav Aarav Vihaan Ishaan Krishna Priya Anjali
Pooja Neha Sneha Divya Kavya Ananya Aishwarya Deepika Sunita Lakshmi Meera Radha Shreya Aditi Nisha Swati Sanjana
Riya Isha Tanvi Aarohi Saanvi Diya Harpreet Gurpreet Manpreet Simran Jaspreet Sandeep Wei Jie Ming Hao Jun Lei
Yang Tao Bo Xin Jing Yan Hui Fang Xiaoming Xiaoling Mei Lan Ying Ling Qing Zhen Xiu Yun Jiahui Zihan Yichen
Haruto Hiroshi Takeshi Kenji Akira Yuki Yuto Sota Ren Hinata Sakura Yui Aoi Himari Hina Yuna Haruka Akiko Aiko
Keiko Naoko Yoko Kenta Daiki Shota Takumi Ryota Kaito Riku Minjun Jiwoo Seoyeon Jiho Hyun Jisoo Jimin Minji
Soojin Yuna Eunji Hyejin Jihoon Donghyun Sungmin Minh Linh Anh Thanh Huong Trang Hoa Lan Tuan Duc Hieu Quang Thao
Chinedu Chioma Ngozi Emeka Obinna Adaeze Oluwaseun Olumide Ayodele Babajide Folake Yetunde Funmilayo Kwame Kofi
Kwabena Akosua Abena Ama Yaw Kojo Efua Tendai Tatenda Thabo Sipho Themba Zanele Lerato Nomvula Thandiwe Ayanda
Abebe Tigist Hiwot Dawit Yohannes Amara Ifeoma Nnamdi Uchenna Zuri Wanjiru Wambui Kamau Otieno Achieng Baraka
Imani Juma Neema Aminata Fatoumata Moussa Mamadou Ousmane Awa Aissatou Ibrahima Seydou
`;

const AMBIGUOUS = `
Will May June April August Grace Hope Faith Joy Mark Bill Rose Jack Frank Max Art Summer Dawn Sky Iris Ruby Julia
Ada Jordan Georgia Virginia Victoria Chase Hunter Mason Carter Taylor Page Lane Dean Guy Sage Holly Ivy Amber
Crystal Jade Pearl Olive Violet Autumn Angel Eve Penny Sandy Rusty Jean Don Pat Rich Earl Miles Cliff Glen Dale
Drew Ray Wade Reed Rod Lance Gene Basil Herb Sunny Star Cash Harmony Paris Austin Florence Sydney Chelsea Brooklyn
Dakota Phoenix Israel Nova Luna River Rain Storm Christian Justice Major Hazel Daisy Heather Ginger Melody Willow
Robin Jasmine Lily Bella Carmen Dolores Mercedes Asia India China Kai Deniz Bo Lan Mei Hana Noor Nour Mona
Lina Dina Tao Yang Ming Ren Jun Hui Amir Raj Ravi Ali Ana Lea Liv Saga Elsa Emil Anton Otto Karl Hugo Felix Leon
Oscar Finn Toby Luke Levi Ezra Leo Max Angela Sofia Maya Eden Heaven Genesis Trinity Destiny Serenity Journey
Savannah Charlotte Madison Kennedy Harper Avery Riley Skylar Paisley Lincoln
`;

function words(list: string): string[] {
  return list.split(/\s+/).filter(Boolean);
}

/** Names that are ordinary words too: they need a surname or a cue. */
export const AMBIGUOUS_FIRST_NAMES: ReadonlySet<string> = new Set(words(AMBIGUOUS));
/** All given names known to the person recognizer (ambiguous ones included). */
export const FIRST_NAMES: ReadonlySet<string> = new Set([...words(UNAMBIGUOUS), ...AMBIGUOUS_FIRST_NAMES]);

/** `word` without accents: `Tomás` → `Tomas`, `Zoë` → `Zoe`. */
function withoutAccents(word: string): string {
  return word.normalize('NFD').replace(/\p{M}/gu, '');
}

/** True when `word` (as written, or without its accents) is a known given name. */
export function isFirstName(word: string): boolean {
  return FIRST_NAMES.has(word) || (/[^\x00-\x7f]/.test(word) && FIRST_NAMES.has(withoutAccents(word)));
}

/** True when `word` is a given name that is also an ordinary word. */
export function isAmbiguousFirstName(word: string): boolean {
  return AMBIGUOUS_FIRST_NAMES.has(word) || (/[^\x00-\x7f]/.test(word) && AMBIGUOUS_FIRST_NAMES.has(withoutAccents(word)));
}
