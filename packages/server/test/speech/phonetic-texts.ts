/**
 * Phonetically rich sentences per eSpeak language: pangrams and sentences chosen to cover the
 * language's vowels, diphthongs, nasal vowels, affricates and clusters.
 */
export const PHONETIC_TEXTS: Record<string, string> = {
  'en-us':
    'The quick brown fox jumps over the lazy dog. She sells sea shells by the seashore; the thick ' +
    'leather judge measured beige rouge at noon. Why would a young boy enjoy playing with hot toys? ' +
    'Our bird heard the church bells ring, bottle, button, water, little, nation, vision, hour, cure, ' +
    'poor, fair, near, far, thought, cloth, ahead, behind, zoo, 1984, 3.14, Dr. Smith.',
  'en-gb':
    'The quick brown fox jumps over the lazy dog. She sells sea shells by the seashore; the thick ' +
    'leather judge measured beige rouge at noon. Why would a young boy enjoy playing with hot toys? ' +
    'Our bird heard the church bells ring, bottle, button, water, little, nation, vision, hour, cure, ' +
    'poor, fair, near, far, thought, cloth, ahead, behind, lot, bath, zoo.',
  es:
    'El veloz murciélago hindú comía feliz cardillo y kiwi. La cigüeña tocaba el saxofón detrás del ' +
    'palenque de paja. ¿Dónde está el perro? Mañana llueve en Jerez; el chico rápido guarda hielo y ' +
    'gente ñoña habla de queso, agua, huevo, ciudad, jamón y zapato.',
  'es-419':
    'El veloz murciélago hindú comía feliz cardillo y kiwi. La cigüeña tocaba el saxofón detrás del ' +
    'palenque de paja. ¿Dónde está el perro? Mañana llueve en Jerez; el chico rápido guarda hielo.',
  fr:
    "Portez ce vieux whisky au juge blond qui fume. Voix ambiguë d'un cœur qui, au zéphyr, préfère " +
    'les jattes de kiwis. Un bon vin blanc, huit cents grenouilles, le soleil brille, la nuit tombe, ' +
    'gagner, oignon, peur, deux, rue, fille, œuf, pain, brun, lundi, champagne.',
  de:
    'Zwölf Boxkämpfer jagen Viktor quer über den großen Sylter Deich. Falsches Üben von Xylophonmusik ' +
    'quält jeden größeren Zwerg. Ich möchte heute Abend Pfannkuchen mit Äpfeln essen, ach, das Mädchen ' +
    'lacht; Ungeheuer, Häuser, Eis, Bücher, schön, Straße, Zeitung, Kirche, Tschüss, Loch, Dschungel.',
  it:
    'Quel vituperabile xenofobo zelante assaggia il whisky ed esclama: alleluja! Gli gnocchi, la ' +
    "famiglia, il ghiaccio, lo sciopero, la pizza, l'azzurro cielo, mezzo, figlio, cenere, giorno, " +
    'chiesa, scienza, bagno, perché, però, città, uomo, acqua.',
  pt:
    'Luís argüia à Júlia que «brações, fé, chá, óxido, pôr, zângão» eram palavras do português. ' +
    'O pão, a mãe, as irmãs, os leões, lhe, ninho, chave, janela, rato, carro, caro, muito, bem, ' +
    'sim, um, homem, canção, queijo, guerra, água.',
  'pt-br':
    'Luís argüia à Júlia que «brações, fé, chá, óxido, pôr, zângão» eram palavras do português. ' +
    'O pão, a mãe, as irmãs, os leões, lhe, ninho, chave, janela, rato, carro, caro, muito, bem, ' +
    'sim, um, homem, canção, queijo, guerra, água, tia, dia, leite, cidade.',
  nl:
    "Pa's wijze lynx bezag vroom het fikse aquaduct. Schaatsen, graag, huis, uit, reus, bui, " +
    'meeuw, nieuw, leeuw, goed, jong, zingen, schrijven, tjalk, vlag, sjaal, Utrecht, eeuw.',
  pl:
    'Pchnąć w tę łódź jeża lub ośm skrzyń fig. Zażółć gęślą jaźń; chrząszcz brzmi w trzcinie, ' +
    'dźwięk, ćma, cień, dzień, szczęście, rzeka, żaba, ręka, mąka, niebo, gwiazda, język.',
};
