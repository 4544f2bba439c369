package trace

// GB/T 2260 names: every province, plus the cities and counties the demo chains use. Unknown codes
// fall back to their province.
var provinces = map[string][2]string{
	"11": {"北京市", "Beijing"}, "12": {"天津市", "Tianjin"}, "13": {"河北省", "Hebei"}, "14": {"山西省", "Shanxi"},
	"15": {"内蒙古自治区", "Inner Mongolia"}, "21": {"辽宁省", "Liaoning"}, "22": {"吉林省", "Jilin"}, "23": {"黑龙江省", "Heilongjiang"},
	"31": {"上海市", "Shanghai"}, "32": {"江苏省", "Jiangsu"}, "33": {"浙江省", "Zhejiang"}, "34": {"安徽省", "Anhui"},
	"35": {"福建省", "Fujian"}, "36": {"江西省", "Jiangxi"}, "37": {"山东省", "Shandong"}, "41": {"河南省", "Henan"},
	"42": {"湖北省", "Hubei"}, "43": {"湖南省", "Hunan"}, "44": {"广东省", "Guangdong"}, "45": {"广西壮族自治区", "Guangxi"},
	"46": {"海南省", "Hainan"}, "50": {"重庆市", "Chongqing"}, "51": {"四川省", "Sichuan"}, "52": {"贵州省", "Guizhou"},
	"53": {"云南省", "Yunnan"}, "54": {"西藏自治区", "Tibet"}, "61": {"陕西省", "Shaanxi"}, "62": {"甘肃省", "Gansu"},
	"63": {"青海省", "Qinghai"}, "64": {"宁夏回族自治区", "Ningxia"}, "65": {"新疆维吾尔自治区", "Xinjiang"},
	"71": {"台湾省", "Taiwan"}, "81": {"香港特别行政区", "Hong Kong"}, "82": {"澳门特别行政区", "Macao"},
}

var places = map[string][2]string{
	"230184": {"哈尔滨市 五常市", "Wuchang, Harbin"}, "230822": {"佳木斯市 桦南县", "Huanan, Jiamusi"},
	"410726": {"新乡市 延津县", "Yanjin, Xinxiang"}, "410103": {"郑州市 二七区", "Erqi, Zhengzhou"},
	"410122": {"郑州市 中牟县", "Zhongmou, Zhengzhou"}, "410183": {"郑州市 新密市", "Xinmi, Zhengzhou"},
	"370686": {"烟台市 栖霞市", "Qixia, Yantai"},
	"2301":   {"哈尔滨市", "Harbin"}, "2308": {"佳木斯市", "Jiamusi"}, "4101": {"郑州市", "Zhengzhou"}, "4107": {"新乡市", "Xinxiang"}, "3706": {"烟台市", "Yantai"},
}

// RegionName renders a GB/T 2260 code as "黑龙江省 哈尔滨市 五常市".
func RegionName(code, lang string) string {
	if len(code) < 2 {
		return code
	}
	i := 0
	if lang == "en" {
		i = 1
	}
	prov, ok := provinces[code[:2]]
	if !ok {
		return code
	}
	if p, ok := places[code]; ok {
		if i == 1 {
			return p[1] + ", " + prov[1]
		}
		return prov[0] + " " + p[0]
	}
	if len(code) >= 4 {
		if p, ok := places[code[:4]]; ok {
			if i == 1 {
				return p[1] + ", " + prov[1]
			}
			return prov[0] + " " + p[0]
		}
	}
	return prov[i]
}
