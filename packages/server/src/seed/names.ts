/** A small seeded PRNG (mulberry32), so the demo city is the same on every machine. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const pick = <T>(r: () => number, list: readonly T[]): T => list[Math.floor(r() * list.length)]!;

// Surnames weighted roughly by how common they are in China.
const SURNAMES = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤';
const HEAVY = '王李张刘陈杨黄赵吴周';
const BOY = '浩宇轩然子俊杰博文涛磊鹏辉强明睿泽晨阳航一凯锦天翔宏伟鑫思远鸿志诚瑞霖皓嘉佑铭哲逸煜骏驰';
const GIRL = '欣怡梓涵雨萱诗琪佳悦可馨思雅婷静子晴若彤语嫣紫依晓雪梦瑶月欢颖慧敏丽娜雅文心蕊芸菲薇岚露妍';
const ADULT_M = '建国军伟强华明刚勇平志斌海波峰涛磊亮杰国庆红卫学文德福永利';
const ADULT_F = '秀英桂兰玉梅红霞丽娟燕芳敏静丽萍慧琴云芬春花美玲晓艳凤金兰';

export function surname(r: () => number): string {
  return r() < 0.45 ? pick(r, [...HEAVY]) : pick(r, [...SURNAMES]);
}

export function givenName(r: () => number, gender: 'male' | 'female', adult = false): string {
  const pool = adult ? (gender === 'male' ? ADULT_M : ADULT_F) : gender === 'male' ? BOY : GIRL;
  const one = pick(r, [...pool]);
  return r() < (adult ? 0.5 : 0.25) ? one : one + pick(r, [...pool]);
}

export function mobile(r: () => number): string {
  const prefix = pick(r, ['130', '131', '132', '133', '135', '136', '137', '138', '139', '150', '151', '152', '157', '158', '159', '176', '177', '180', '181', '186', '187', '188', '189', '199']);
  return prefix + String(Math.floor(r() * 1e8)).padStart(8, '0');
}
