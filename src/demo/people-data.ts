// Name, place and contact vocabularies for the demo members. Weights are rough shares (surname
// frequency, city population in millions), enough to give plausible skew, not census figures.

/** Surname, its pinyin, relative frequency. */
export const SURNAMES: readonly (readonly [string, string, number])[] = [
  ['王', 'wang', 7.1],
  ['李', 'li', 7.0],
  ['张', 'zhang', 6.7],
  ['刘', 'liu', 5.4],
  ['陈', 'chen', 4.5],
  ['杨', 'yang', 3.1],
  ['黄', 'huang', 2.3],
  ['赵', 'zhao', 2.2],
  ['吴', 'wu', 2.0],
  ['周', 'zhou', 1.9],
  ['徐', 'xu', 1.3],
  ['孙', 'sun', 1.2],
  ['马', 'ma', 1.2],
  ['朱', 'zhu', 1.1],
  ['胡', 'hu', 1.0],
  ['郭', 'guo', 1.0],
  ['何', 'he', 0.9],
  ['林', 'lin', 0.9],
  ['高', 'gao', 0.9],
  ['罗', 'luo', 0.8],
  ['郑', 'zheng', 0.8],
  ['梁', 'liang', 0.7],
  ['谢', 'xie', 0.6],
  ['宋', 'song', 0.6],
  ['唐', 'tang', 0.6],
  ['许', 'xu', 0.5],
  ['邓', 'deng', 0.5],
  ['韩', 'han', 0.5],
  ['冯', 'feng', 0.5],
  ['曹', 'cao', 0.5],
  ['彭', 'peng', 0.5],
  ['曾', 'zeng', 0.4],
  ['肖', 'xiao', 0.4],
  ['田', 'tian', 0.4],
  ['董', 'dong', 0.4],
  ['潘', 'pan', 0.3],
  ['袁', 'yuan', 0.3],
  ['蔡', 'cai', 0.3],
  ['蒋', 'jiang', 0.3],
  ['余', 'yu', 0.3],
];

/** Given-name characters with pinyin: shared, mostly female, mostly male. */
export const GIVEN_COMMON: readonly (readonly [string, string])[] = [
  ['文', 'wen'],
  ['明', 'ming'],
  ['佳', 'jia'],
  ['子', 'zi'],
  ['思', 'si'],
  ['一', 'yi'],
  ['嘉', 'jia'],
  ['欣', 'xin'],
  ['宇', 'yu'],
  ['晨', 'chen'],
  ['安', 'an'],
  ['雨', 'yu'],
  ['可', 'ke'],
  ['乐', 'le'],
];
export const GIVEN_FEMALE: readonly (readonly [string, string])[] = [
  ['婷', 'ting'],
  ['静', 'jing'],
  ['丽', 'li'],
  ['芳', 'fang'],
  ['敏', 'min'],
  ['雪', 'xue'],
  ['琳', 'lin'],
  ['悦', 'yue'],
  ['萱', 'xuan'],
  ['怡', 'yi'],
  ['娜', 'na'],
  ['颖', 'ying'],
  ['慧', 'hui'],
  ['梦', 'meng'],
];
export const GIVEN_MALE: readonly (readonly [string, string])[] = [
  ['伟', 'wei'],
  ['强', 'qiang'],
  ['磊', 'lei'],
  ['军', 'jun'],
  ['杰', 'jie'],
  ['涛', 'tao'],
  ['浩', 'hao'],
  ['鹏', 'peng'],
  ['俊', 'jun'],
  ['博', 'bo'],
  ['勇', 'yong'],
  ['峰', 'feng'],
  ['轩', 'xuan'],
  ['辉', 'hui'],
];

export const ENGLISH_FEMALE = [
  'Emma',
  'Olivia',
  'Sophia',
  'Grace',
  'Chloe',
  'Lily',
  'Amelia',
  'Hannah',
  'Zoe',
  'Mia',
];
export const ENGLISH_MALE = [
  'James',
  'Oliver',
  'Lucas',
  'Daniel',
  'Henry',
  'Ethan',
  'Samuel',
  'Leo',
  'Noah',
  'Adam',
];
export const ENGLISH_SURNAMES = [
  'Smith',
  'Brown',
  'Taylor',
  'Wilson',
  'Clarke',
  'Walker',
  'Wright',
  'Green',
  'Hall',
  'Lee',
];

/** Words for random-word email addresses. */
export const EMAIL_WORDS = [
  'sunny',
  'panda',
  'blue',
  'tiger',
  'cloud',
  'star',
  'lucky',
  'moon',
  'river',
  'maple',
  'happy',
  'coco',
];

/** Email domains, weighted (QQ mail dominates in China). */
export const EMAIL_DOMAINS: readonly (readonly [string, number])[] = [
  ['qq.com', 40],
  ['163.com', 20],
  ['126.com', 8],
  ['foxmail.com', 6],
  ['sina.com', 4],
  ['gmail.com', 10],
  ['outlook.com', 8],
  ['hotmail.com', 4],
];

/** Mobile prefixes of the three carriers (all `1[3-9]x`). */
export const PHONE_PREFIXES = [
  '130',
  '131',
  '132',
  '133',
  '135',
  '136',
  '137',
  '138',
  '139',
  '147',
  '150',
  '151',
  '152',
  '153',
  '155',
  '156',
  '157',
  '158',
  '159',
  '166',
  '173',
  '176',
  '177',
  '178',
  '180',
  '181',
  '182',
  '183',
  '185',
  '186',
  '187',
  '188',
  '189',
  '198',
  '199',
];

/** City (stored as the member's region), Chinese name, weight, two districts. */
export const CITIES: readonly (readonly [string, string, number, string, string])[] = [
  ['Shanghai', '上海', 24, '浦东新区', '徐汇区'],
  ['Beijing', '北京', 22, '朝阳区', '海淀区'],
  ['Chengdu', '成都', 21, '武侯区', '锦江区'],
  ['Guangzhou', '广州', 18, '天河区', '越秀区'],
  ['Shenzhen', '深圳', 17, '南山区', '福田区'],
  ['Chongqing', '重庆', 16, '渝中区', '江北区'],
  ['Tianjin', '天津', 14, '和平区', '南开区'],
  ['Wuhan', '武汉', 13, '武昌区', '江汉区'],
  ["Xi'an", '西安', 13, '雁塔区', '碑林区'],
  ['Suzhou', '苏州', 13, '姑苏区', '工业园区'],
  ['Hangzhou', '杭州', 12, '西湖区', '滨江区'],
  ['Zhengzhou', '郑州', 12, '金水区', '二七区'],
  ['Shijiazhuang', '石家庄', 11, '长安区', '桥西区'],
  ['Changsha', '长沙', 10, '岳麓区', '芙蓉区'],
  ['Dongguan', '东莞', 10, '南城街道', '东城街道'],
  ['Qingdao', '青岛', 10, '市南区', '崂山区'],
  ['Harbin', '哈尔滨', 10, '南岗区', '道里区'],
  ['Nanjing', '南京', 9, '鼓楼区', '玄武区'],
  ['Shenyang', '沈阳', 9, '和平区', '沈河区'],
  ['Hefei', '合肥', 9, '蜀山区', '包河区'],
  ['Foshan', '佛山', 9, '禅城区', '南海区'],
  ['Jinan', '济南', 9, '历下区', '市中区'],
  ['Ningbo', '宁波', 9, '鄞州区', '海曙区'],
  ['Changchun', '长春', 9, '朝阳区', '南关区'],
  ['Kunming', '昆明', 8, '五华区', '盘龙区'],
  ['Fuzhou', '福州', 8, '鼓楼区', '台江区'],
  ['Nanning', '南宁', 8, '青秀区', '西乡塘区'],
  ['Wuxi', '无锡', 7, '梁溪区', '滨湖区'],
  ['Dalian', '大连', 7, '中山区', '沙河口区'],
  ['Xiamen', '厦门', 5, '思明区', '湖里区'],
];

export const ROADS = [
  '人民路',
  '解放路',
  '中山路',
  '建设路',
  '长江路',
  '和平路',
  '文化路',
  '新华路',
  '青年路',
  '花园路',
];

/** First octets of the (synthetic) address blocks given to cities, one block per city. */
const IP_FIRST = [
  58, 59, 60, 61, 101, 106, 110, 111, 112, 113, 114, 115, 116, 117, 118, 119, 120, 121, 122, 123, 124, 125,
  175, 180, 182, 183, 202, 211, 218, 222,
];

/** The /16 block of a city, e.g. `58.11`: logins from a city come from its block. */
export function cityIpBlock(cityIndex: number): string {
  return `${IP_FIRST[cityIndex % IP_FIRST.length]}.${((cityIndex * 37 + 11) % 250) + 1}`;
}

/** User agents by channel (app on iOS/Android, web browsers, WeChat mini-program). */
export const USER_AGENTS: Readonly<Record<'app' | 'web' | 'mini_program', readonly string[]>> = {
  app: [
    'MembrainShop/5.2.1 (iPhone15,2; iOS 17.4; Scale/3.00)',
    'MembrainShop/5.2.1 (Android 14; Xiaomi 23127PN0CC)',
    'MembrainShop/5.1.8 (Android 13; HUAWEI NOH-AN00)',
    'MembrainShop/5.2.0 (iPhone14,5; iOS 16.7)',
  ],
  web: [
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36',
    'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15',
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0 Safari/537.36 Edg/122.0',
  ],
  mini_program: [
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 MicroMessenger/8.0.47 miniProgram',
    'Mozilla/5.0 (Linux; Android 14; V2309A) AppleWebKit/537.36 MicroMessenger/8.0.47 miniProgram',
  ],
};
