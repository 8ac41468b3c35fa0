/**
 * @module shared/privacy/pii/recognizers/top-level-domains
 * Top-level domains an e-mail address or URL is likely to end with: every ISO country code TLD
 * and the common generic ones, plus file extensions that look like TLDs but are not
 * (`logo@2x.png`), so the e-mail recognizer can tell an address from an asset name.
 */

const COUNTRY_CODES =
  'ac ad ae af ag ai al am ao aq ar as at au aw ax az ba bb bd be bf bg bh bi bj bm bn bo br bs bt bw by bz ' +
  'ca cc cd cf cg ch ci ck cl cm cn co cr cu cv cw cx cy cz de dj dk dm do dz ec ee eg er es et eu fi fj fk fm ' +
  'fo fr ga gb gd ge gf gg gh gi gl gm gn gp gq gr gs gt gu gw gy hk hm hn hr ht hu id ie il im in io iq ir is ' +
  'it je jm jo jp ke kg kh ki km kn kp kr kw ky kz la lb lc li lk lr ls lt lu lv ly ma mc md me mg mh mk ml mm ' +
  'mn mo mp mq mr ms mt mu mv mw mx my mz na nc ne nf ng ni nl no np nr nu nz om pa pe pf pg ph pk pl pm pn pr ' +
  'ps pt pw py qa re ro rs ru rw sa sb sc sd se sg sh si sk sl sm sn so sr ss st su sv sx sy sz tc td tf tg th ' +
  'tj tk tl tm tn to tr tt tv tw tz ua ug uk us uy uz va vc ve vg vi vn vu wf ws ye yt za zm zw';

const GENERIC =
  'com org net edu gov mil int info biz name pro mobi aero asia cat coop jobs museum tel travel app dev tech ' +
  'online site store shop blog cloud email mail xyz club live news page art design agency studio digital ' +
  'company solutions services network media group team today world life space website link click help guru ' +
  'academy school university health care clinic law legal finance bank money inc llc ltd global london nyc ' +
  'berlin paris tokyo earth family fun games green host city social systems works zone one top vip win io ai';

/** File extensions that can follow `@` in code or asset names (`icon@2x.png`, `pkg@1.2.js`). */
const FILE_EXTENSIONS =
  'png jpg jpeg gif svg webp ico bmp tif tiff avif heic css scss sass less js mjs cjs ts tsx jsx json html htm ' +
  'xml yml yaml txt lock map vue svelte wasm woff woff2 ttf otf eot mp3 mp4 webm mov pdf zip gz tgz';

const known = new Set(`${COUNTRY_CODES} ${GENERIC}`.split(' '));
const fileExtensions = new Set(FILE_EXTENSIONS.split(' '));

/** True when `tld` (any case) is a country-code or common generic TLD. */
export function isKnownTld(tld: string): boolean {
  return known.has(tld.toLowerCase());
}

/** True when `tld` (any case) is a file extension rather than a domain ending. */
export function isFileExtension(tld: string): boolean {
  return fileExtensions.has(tld.toLowerCase());
}
